"""Attachments over HTTP: uploaded as multipart on an event, an area case, an action or a task; typed from the
content; refused when too large, of a type not allowed, or infected (a fake clamd on loopback); downloaded under
the case's access rule, classified downloads in the read log; listed on the event and counted in exports."""

from __future__ import annotations

import io
import socket
import struct
import threading
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest

from engine.records.scanning import ClamdScanner, ScanFailed
from engine.records.settings import RecordsSettings
from engine.records.storage import BlobMissing, FileStore, S3Store
from engine.store.models import ReadLogEntry
from server.app import create_app
from server.config import Settings

from ..engine.test_vard_case import ACCEPT
from ..http import API, add_action, assert_error, done, event, open_task, submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60
CLASSIFIED = {"kategori": "lakemedel", "vardskada": "nej", "patient": {"personnummer": "19121212-1212"},
              "riskbedomning": {"konsekvens_faktisk": 1, "konsekvens_potentiell": 2, "sannolikhet": 1}}
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _file(data: bytes, name: str, classification: str = "allman") -> dict[str, Any]:
    return {"data": {"file": (io.BytesIO(data), name), "classification": classification},
            "content_type": "multipart/form-data"}


@pytest.fixture
def handled(client: Any, auth: Any, report: dict[str, Any]) -> str:
    number = submit(client, auth("eva"), report)["number"]
    done(client, auth("anna"), number, "triage", ACCEPT)
    done(client, auth("anna"), number, "klassificering", CLASSIFIED)
    return number


def test_a_photo_on_an_action_and_a_classified_statement_on_the_investigation(
    client: Any, auth: Any, handled: str, demo: Any
) -> None:
    anna = auth("anna")
    action = add_action(client, anna, handled, {"titel": "Dubbelkontroll", "typ": "korrigerande", "ansvarig": "anna"})
    photo = client.post(f"{API}/actions/{action['id']}/attachments", headers=anna, **_file(PNG, "hylla.pdf"))
    assert photo.status_code == 201, photo.get_json()
    assert photo.get_json()["media_type"] == "image/png"  # the bytes decide, not the name
    statement = client.post(f"{API}/events/{handled}/areas/vard/attachments", headers=anna,
                            **_file(b"Jag gav 5 mg i st\xc3\xa4llet f\xc3\xb6r 0,5 mg.\n", "utsaga.txt", "sekretess"))
    assert statement.status_code == 201, statement.get_json()
    task = open_task(client, anna, handled, "utredning")["id"]
    on_task = client.post(f"{API}/tasks/{task}/attachments", headers=anna, **_file(PDF, "rutin.pdf", "personuppgifter"))
    assert on_task.status_code == 201, on_task.get_json()

    listed = {a["target"]: a for a in event(client, anna, handled)["attachments"]}
    assert set(listed) == {"action", "area_case", "task"}
    assert listed["area_case"]["area"] == "vard"
    assert listed["area_case"]["classification_label"] == "Sekretess enligt OSL"
    assert listed["task"]["task_id"] == task and listed["action"]["action_id"] == action["id"]

    got = client.get(f"{API}/attachments/{listed['area_case']['id']}/content", headers=anna)
    assert got.status_code == 200 and got.data.startswith(b"Jag gav 5 mg")
    assert got.headers["Content-Disposition"].startswith("attachment;")
    with demo.db.transaction() as session:
        purposes = [r.purpose for r in session.query(ReadLogEntry).all()]
    assert f"bilaga {listed['area_case']['id']} hämtad" in purposes
    assert demo.verify_logs()["ok"]


def test_who_may_not_read_the_case_gets_nothing_and_a_masked_reader_no_classified_file(
    client: Any, auth: Any, handled: str
) -> None:
    anna = auth("anna")
    secret = client.post(f"{API}/events/{handled}/attachments", headers=anna,
                         **_file(PDF, "19121212-1212 utsaga.pdf", "sekretess")).get_json()
    public = client.post(f"{API}/events/{handled}/attachments", headers=anna, **_file(PNG, "bild.png")).get_json()
    assert_error(client.get(f"{API}/attachments/{secret['id']}/content", headers=auth("david")), 404, "not_found")
    assert_error(client.get(f"{API}/attachments/{public['id']}/content", headers=auth("eva")), 404, "not_found")
    # revisor reads every area masked: the public file yes, the classified one no, and not even its name
    assert client.get(f"{API}/attachments/{public['id']}/content", headers=auth("revisor")).status_code == 200
    assert_error(client.get(f"{API}/attachments/{secret['id']}/content", headers=auth("revisor")), 403, "forbidden")
    names = [a["filename"] for a in event(client, auth("revisor"), handled)["attachments"]]
    assert "19121212-1212 utsaga.pdf" not in names and f"Bilaga {secret['id']}" in names
    assert_error(client.post(f"{API}/events/{handled}/attachments", headers=auth("revisor"), **_file(PNG, "x.png")),
                 403, "forbidden")


@pytest.mark.parametrize(("data", "classification", "status", "code"), [
    (EXE, "allman", 422, "validation_failed"),                    # an executable, whatever it is called
    (b"\x00\x01\x02binary junk", "allman", 422, "validation_failed"),
    (PNG, "hemlig", 422, "validation_failed"),                      # no such classification
    (b"", "allman", 422, "validation_failed"),
    (PNG + b"\x00" * 200_000, "allman", 413, "too_large"),          # over the test engine's 200 kB limit
])
def test_uploads_that_are_refused(client: Any, auth: Any, handled: str, data: bytes, classification: str,
                                  status: int, code: str) -> None:
    response = client.post(f"{API}/events/{handled}/attachments", headers=auth("anna"),
                           **_file(data, "bild.png", classification))
    assert_error(response, status, code)


def test_the_same_content_is_stored_once_and_exports_count_the_files(
    client: Any, auth: Any, handled: str, attachment_dir: Path
) -> None:
    for name in ("a.png", "b.png"):
        client.post(f"{API}/events/{handled}/attachments", headers=auth("anna"), **_file(PNG, name))
    assert len([p for p in attachment_dir.rglob("*") if p.is_file()]) == 1


@pytest.fixture
def fake_clamd() -> Iterator[str]:
    """A clamd on loopback that speaks INSTREAM and finds EICAR."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                assert conn.recv(10) == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack(">I", _exactly(conn, 4))[0]
                    if size == 0:
                        break
                    data += _exactly(conn, size)
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if b"EICAR" in data else b"stream: OK\0")

    threading.Thread(target=serve, daemon=True).start()
    yield f"tcp:127.0.0.1:{server.getsockname()[1]}"
    server.close()


def _exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += conn.recv(size - len(data))
    return data


def test_the_virus_scanner_refuses_an_infected_file_and_a_silent_one_refuses_all(
    demo: Any, auth: Any, handled: str, fake_clamd: str, tmp_path: Path
) -> None:
    demo.records = RecordsSettings(FileStore(tmp_path), ClamdScanner(fake_clamd), 200_000)
    client = create_app(Settings(database_url=demo.db.url), engine=demo).test_client()
    infected = client.post(f"{API}/events/{handled}/attachments", headers=auth("anna"),
                           **_file(EICAR, "eicar.txt"))
    assert "Eicar-Signature" in assert_error(infected, 422, "attachment_infected")["message"]
    clean = client.post(f"{API}/events/{handled}/attachments", headers=auth("anna"), **_file(PNG, "ok.png"))
    assert clean.status_code == 201
    demo.records = RecordsSettings(FileStore(tmp_path), ClamdScanner("tcp:127.0.0.1:1", timeout=2), 200_000)
    assert_error(client.post(f"{API}/events/{handled}/attachments", headers=auth("anna"), **_file(PNG, "ok.png")),
                 503, "unavailable")
    with pytest.raises(ScanFailed):
        ClamdScanner("ftp:nowhere").scan(b"x")


@pytest.fixture(params=["filesystem", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """Each store with a way to damage a stored object behind its back. S3: moto's in-process fake of the API."""
    if request.param == "filesystem":
        yield FileStore(tmp_path), lambda key: next(tmp_path.rglob(key)).write_bytes(b"damaged")
        return
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        client = boto3.client("s3", region_name="eu-north-1", aws_access_key_id="test", aws_secret_access_key="test")
        client.create_bucket(Bucket="avvik", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
        yield S3Store(client, "avvik"), lambda key: client.put_object(Bucket="avvik", Key=f"attachments/{key}",
                                                                      Body=b"damaged")


def test_the_store_contract(store: tuple[Any, Any]) -> None:
    import hashlib

    blobs, damage = store
    key = hashlib.sha256(PNG).hexdigest()
    assert not blobs.exists(key)
    blobs.put(key, PNG)
    blobs.put(key, PNG)  # idempotent
    assert blobs.exists(key) and blobs.get(key) == PNG
    damage(key)
    with pytest.raises(BlobMissing):
        blobs.get(key)  # never bytes whose hash differs from the key
    blobs.delete(key)
    blobs.delete(key)
    assert not blobs.exists(key)
    with pytest.raises(BlobMissing):
        blobs.get(key)
    with pytest.raises(ValueError):
        blobs.put("../../etc/passwd", b"x")
