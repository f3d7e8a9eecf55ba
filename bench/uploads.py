"""Part 8: attachment upload throughput over HTTP (`python -m bench.uploads [--seconds S] [--kib K]`).

Closed-loop clients against `avvik serve --workers 2`, like part 3: each reports one event on its own unit, then
its handler uploads files to that event (`POST /api/v1/events/{number}/attachments`, multipart, classification
`allman`) until the deadline. Every file is a distinct PDF of `kib` KiB (a scanned statement), so every upload
is checked (type from content, size), hashed, written to the file store and recorded with its change-log row:
nothing is deduplicated away. The store is a directory in the run's temporary folder (AVVIK_ATTACHMENT_DIR).
Reported: uploads/s, MiB/s, latency, CPU ms per upload by who spent it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import vard
from bench.databases import Backend, drop_postgres, fresh_postgres, fresh_sqlite
from bench.http_load import Client, Samples, cpu_per, prepare_clients, request, run_phase
from bench.inprocess import prepared_engine
from bench.machine import load_average
from bench.server import Server

__all__ = ["run_uploads", "main"]

MAX_UPLOADS_PER_CLIENT = 20_000


def _pdf(kib: int) -> bytes:
    """A distinct PDF of about `kib` KiB: the type check reads the header, the store hashes every byte."""
    head = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n"
    return head + b"0" * max(kib * 1024 - len(head) - 6, 0) + b"\n%%EOF"


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"classification\"\r\n\r\nallman\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"utlatande.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _upload_loop(kib: int) -> Any:
    def loop(base: str, client: Client, deadline: float, samples: Samples) -> None:
        status, event = request(base, "POST", "/events", client.reporter_token,
                                 {"unit_id": client.unit_id, "data": vard.REPORT}, samples)
        if status != 201:
            samples.failed("report", status)
            return
        path = f"/events/{event['number']}/attachments"
        for _ in range(MAX_UPLOADS_PER_CLIENT):
            if time.monotonic() >= deadline:
                return
            body, content_type = _multipart(_pdf(kib))  # built before the clock starts: the client's work
            start = time.perf_counter()
            status, _reply = request(base, "POST", path, client.handler_token, body, samples,
                                      content_type=content_type)
            if status == 201:
                samples.ok("upload", time.perf_counter() - start)
            else:
                samples.failed("upload", status)
    return loop


def run_uploads(backend: Backend, workdir: Path, clients: int, seconds: float, kib: int) -> dict[str, Any]:
    """One fresh backend: prepare it in-process, start the server with a file store of its own, a short warm-up,
    then the timed phase."""
    engine = prepared_engine(backend)
    users = prepare_clients(engine, clients)
    engine.db.dispose()
    store = workdir / f"attachments-{backend.name}"
    server = Server(backend, workdir, env={"AVVIK_ATTACHMENT_DIR": str(store)})
    try:
        run_phase(server, users, _upload_loop(kib), 3.0, keepalive=True)
        phase = run_phase(server, users, _upload_loop(kib), seconds, keepalive=True)
    finally:
        server.stop()
    uploads = phase.counts.get("upload", 0)
    return {
        "clients": clients,
        "file_kib": kib,
        "uploads_per_s": round(phase.throughput.get("upload", 0.0), 1),
        "mib_per_s": round(phase.throughput.get("upload", 0.0) * kib / 1024, 1),
        "uploads": uploads,
        "latency": phase.latency.get("upload"),
        "failures": phase.failures,
        "cpu_ms_per_upload": cpu_per(phase, "upload"),
        # the warm-up's files included: proof that the bytes reached the store
        "stored_mib": round(sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 2**20, 1),
    }


def run_both(workdir: Path, clients: int, seconds: float, kib: int) -> dict[str, Any]:
    """SQLite, then PostgreSQL, each on a fresh database."""
    result: dict[str, Any] = {"load_average_at_start": load_average()}
    for backend in (fresh_sqlite(workdir, "uploads"), fresh_postgres()):
        result[backend.name] = run_uploads(backend, workdir, clients, seconds, kib)
    result["load_average_at_end"] = load_average()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.uploads", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--kib", type=int, default=512, help="size of each uploaded file")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="avvik-bench-uploads-"))
    try:
        result = run_both(workdir, args.clients, args.seconds, args.kib)
    finally:
        drop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
