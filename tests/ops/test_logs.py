"""The logs of a running installation (a real `avvik serve` and `avvik worker`): JSON lines only, one per request
and per worker job, and not one of them holds a protected value, though the report carried a personnummer in its
protected field and in its free text, a request put one in its query string and another in its path."""

from __future__ import annotations

import pytest

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine import Engine
from tests.live import REPO, call, serve

from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS
from ..http import API

pytestmark = pytest.mark.shared_database  # a server and a worker in subprocesses

PNR = CLASSIFY_SERIOUS["patient"]["personnummer"]  # 19121212-1212
SHAPES = [PNR, PNR.replace("-", ""), PNR[2:], PNR[2:].replace("-", "")]


def json_lines(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines
    parsed = []
    for line in lines:  # every line is one JSON object
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"{path.name}: a line that is not JSON: {line[:500]!r}")
    return parsed


def test_no_protected_value_in_any_log_line(demo: Engine, report: dict[str, Any], tmp_path: Path) -> None:
    eva, anna = demo.create_token("eva"), demo.create_token("anna")
    api_log, worker_log = tmp_path / "api.log", tmp_path / "worker.log"
    with serve(demo.db.url, workers=2, log=api_log) as origin:
        status, event = call(f"{origin}{API}/events", eva, {"unit_id": "ks-akut", "data": {
            **report, "rubrik": f"Fel patient {PNR}", "beskrivning": f"Patienten {PNR} fick fel dos."}})
        assert status == 201
        for spec, data in (("triage", ACCEPT), ("klassificering", CLASSIFY_SERIOUS)):
            task = next(t for t in call(f"{origin}{API}/tasks", anna)[1]
                        if t["event_number"] == event["number"] and t["spec_name"] == spec)
            assert call(f"{origin}{API}/tasks/{task['id']}/complete", anna, {"data": data})[0] == 200
        assert call(f"{origin}{API}/events/{event['number']}", anna)[1]["case_data"]["vard"]["patient"] \
            ["personnummer"] == PNR  # it is there to be read
        assert call(f"{origin}{API}/events?text={PNR}", anna)[0] == 200
        assert call(f"{origin}{API}/events/{PNR}", anna)[0] == 404
        assert call(f"{origin}{API}/events", eva, {"unit_id": "ks-akut", "data": {"rubrik": PNR}})[0] == 422
    with worker_log.open("wb") as stderr:  # e-mails the notifications (to its log: no SMTP server set)
        subprocess.run([sys.executable, "-m", "server.cli", "worker", "--once"], check=True, stderr=stderr,
                       stdout=subprocess.DEVNULL, env={**os.environ, "AVVIK_DATABASE_URL": demo.db.url,
                                                       "AVVIK_SMTP_URL": "", "PYTHONPATH": str(REPO)}, timeout=120)

    requests = [line for line in json_lines(api_log) if line.get("logger") == "avvik.request"]
    assert len(requests) >= 9
    for line in requests:
        assert {"time", "level", "request_id", "user_id", "method", "path", "status", "duration_ms"} <= set(line)
    assert {line["path"] for line in requests} >= {"/api/v1/events", "/api/v1/tasks/<uuid:task_id>/complete",
                                                   "/api/v1/events/<string:number>"}
    jobs = [line for line in json_lines(worker_log) if line.get("logger") == "avvik.worker"]
    assert [line["job"] for line in jobs] == ["timers", "action_deadlines", "outbox", "stats_rollup"]
    assert jobs[2]["sent"] >= 1 and jobs[3]["folded"] >= 1
    assert all(line["status"] == "ok" and line["job_id"] for line in jobs)
    for path in (api_log, worker_log):
        text = path.read_text(encoding="utf-8")
        assert not [shape for shape in SHAPES if shape in text], path.name
