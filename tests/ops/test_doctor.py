"""`avvik doctor` through the CLI: all well on a configured installation, and each problem named in Swedish with
what to do, with a non-zero exit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from engine import Database, Engine
from server.cli import main
from engine.store.types import utcnow
from tests.live import free_port

from ..smtp import Sink, smtp_sink  # noqa: F401  (the fixture)

pytestmark = pytest.mark.shared_database  # `avvik doctor` and the worker open their own connections


@pytest.fixture
def web_dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<script type="module" src="/assets/index-abc.js"></script>'
                                     '<link rel="stylesheet" href="/assets/index-abc.css">')
    (dist / "assets" / "index-abc.js").write_text("")
    (dist / "assets" / "index-abc.css").write_text("")
    return dist


def doctor(url: str, **env: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["doctor"], env={"AVVIK_DATABASE_URL": url, "AVVIK_SMTP_URL": "", **env},
                                catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FEL")]


@pytest.fixture
def beating(demo: Engine) -> Iterator[Engine]:
    demo.worker_heartbeat("host:1", utcnow(), 5.0)
    yield demo


def test_a_configured_installation_passes(
    beating: Engine, web_dist: Path, smtp_sink: tuple[Sink, str]  # noqa: F811
) -> None:
    _, smtp_url = smtp_sink
    code, lines = doctor(beating.db.url, AVVIK_WEB_DIST=str(web_dist), AVVIK_SMTP_URL=smtp_url)
    assert code == 0, lines
    assert lines[-1] == "Allt ser bra ut."
    text = "\n".join(lines)
    for found in ("Databasen nås", "senaste versionen", "aktiva för rapportering", "Arbetaren host:1 hördes",
                  "Webbappen är byggd", "E-postservern"):
        assert found in text


def test_each_problem_says_what_to_fix(demo: Engine, web_dist: Path, tmp_path: Path) -> None:
    code, lines = doctor(demo.db.url, AVVIK_WEB_DIST=str(web_dist))
    assert code == 1 and lines[-1] == "1 problem att åtgärda."
    assert "Ingen `avvik worker`" in failures(lines)[0] and "avvik-worker.service" in failures(lines)[0]
    assert any("AVVIK_SMTP_URL är inte satt" in line for line in lines)  # said, not a failure

    Engine(demo.db, clock=lambda: utcnow() - timedelta(minutes=10)).worker_heartbeat("host:2", utcnow(), 5.0)
    assert "har stannat eller hänger" in failures(doctor(demo.db.url, AVVIK_WEB_DIST=str(web_dist))[1])[0]
    demo.worker_heartbeat("host:2", utcnow(), 5.0)

    (web_dist / "assets" / "index-abc.css").unlink()
    code, lines = doctor(demo.db.url, AVVIK_WEB_DIST=str(web_dist))
    assert code == 1 and "index-abc.css" in failures(lines)[0] and "make web" in failures(lines)[0]
    code, lines = doctor(demo.db.url, AVVIK_WEB_DIST=str(tmp_path / "nowhere"))
    assert "Webbappen är inte byggd" in failures(lines)[0]

    code, lines = doctor(demo.db.url, AVVIK_WEB_DIST=str(tmp_path / "nowhere"),
                         AVVIK_SMTP_URL=f"smtp://127.0.0.1:{free_port()}", AVVIK_MAX_BODY_BYTES="mycket")
    assert code == 1 and len(failures(lines)) == 3
    assert "Konfigurationen är ogiltig" in failures(lines)[0]
    assert "E-postservern 127.0.0.1" in failures(lines)[2] and "AVVIK_SMTP_URL" in failures(lines)[2]


def test_an_empty_or_unreachable_database(tmp_path: Path, web_dist: Path) -> None:
    code, lines = doctor(f"sqlite:///{tmp_path / 'new.sqlite3'}", AVVIK_WEB_DIST=str(web_dist))
    assert code == 1 and "Kör `avvik db upgrade`" in failures(lines)[0]
    assert not any("avvik worker" in line or "Arbetaren" in line for line in lines)  # no heartbeat table yet
    code, lines = doctor(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x?connect_timeout=2",
                         AVVIK_WEB_DIST=str(web_dist))
    assert code == 1 and "Databasen nås inte" in failures(lines)[0]


def test_the_worker_writes_its_heartbeat_each_round(db: Database, demo: Engine) -> None:
    result = CliRunner().invoke(main, ["worker", "--once"], env={"AVVIK_DATABASE_URL": db.url, "AVVIK_SMTP_URL": ""},
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert demo.heartbeat_check().ok
