"""`python -m bench.run [--scale]`: every part in one run, then the table to stdout and bench/results/.

Order: in-process floor and engine (parts 1–2, interleaved) and their profiles, HTTP (parts 3 and 6), case age
(part 5), the Händelsevis import (part 7), attachment uploads (part 8), and last the bulk-loaded reads (part 4),
whose gigabytes of I/O would otherwise disturb the rest.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import report
from bench.case_age import prepared_rework_engine, profile_late_steps, run_case_age
from bench.databases import Backend, drop_postgres, fresh_postgres, fresh_sqlite, postgres_admin_dsn
from bench.http_load import run_http
from bench.imports import run_imports
from bench.inprocess import engine_lifecycle, prepared_engine, run_inprocess
from bench.machine import describe, load_average
from bench.profile import profile, server_lifecycle
from bench.scale import run_scale
from bench.uploads import run_both as run_uploads
from bench.web_weight import DIST, measure as web_weight

__all__ = ["Plan", "main"]


@dataclass(frozen=True)
class Plan:
    scale: bool
    events: int  # part 4
    rounds: int = 50  # parts 1–2: lifecycles per backend, floor and engine interleaved
    profile_lifecycles: int = 5
    http_clients: int = 4
    http_warmup_seconds: float = 3.0
    http_submit_seconds: float = 15.0
    http_complete_seconds: float = 20.0
    age_cases: int = 2  # part 5: rework cases of 202 tasks per backend
    age_profile_steps: int = 4
    read_repeats: int = 200  # part 4: calls per read, each bounded by read_budget_seconds
    read_budget_seconds: float = 20.0
    import_rows: int = 100_000  # part 7: a generated Händelsevis export
    upload_seconds: float = 15.0  # part 8: attachment uploads per backend
    upload_kib: int = 512


def _log(message: str, started: float) -> None:
    print(f"[bench {time.monotonic() - started:6.0f} s] {message}", file=sys.stderr, flush=True)


def _inprocess(plan: Plan, workdir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    backends = [fresh_sqlite(workdir, "inprocess"), fresh_postgres()]
    engines = {b.name: prepared_engine(b) for b in backends}
    try:
        result = run_inprocess(engines, backends, plan.rounds)
        pg = engines["postgresql"]
        profiles = {
            "engine_lifecycle": profile(lambda: engine_lifecycle(pg), plan.profile_lifecycles),
            "server_lifecycle": profile(server_lifecycle(pg), plan.profile_lifecycles),
        }
    finally:
        for engine in engines.values():
            engine.db.dispose()
    return result, profiles


def _http(plan: Plan, workdir: Path, inprocess: dict[str, Any]) -> dict[str, Any]:
    results = {}
    for backend in (fresh_sqlite(workdir, "http"), fresh_postgres()):
        result = run_http(backend, workdir, plan.http_clients, plan.http_warmup_seconds, plan.http_submit_seconds,
                          plan.http_complete_seconds)
        floor_step = inprocess[f"floor_{backend.name}"]["per_step_ms"]
        complete_p50 = result["complete"]["latency"]["complete"]["p50_ms"]
        result["complete_p50_to_floor_step"] = round(complete_p50 / floor_step, 2)
        result["cpu_per_completion_to_floor_step"] = round(result["cpu_ms_per_completion"]["workers"] / floor_step, 2)
        results[backend.name] = result
    return results


def _case_age(plan: Plan, workdir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    results: dict[str, Any] = {}
    late: dict[str, Any] = {}
    backends: list[Backend] = [fresh_sqlite(workdir, "age"), fresh_postgres()]
    for backend in backends:
        engine = prepared_rework_engine(backend)
        try:
            results[backend.name] = run_case_age(engine, backend, plan.age_cases)
            if backend.name == "postgresql":
                late = profile_late_steps(engine, plan.age_profile_steps)
        finally:
            engine.db.dispose()
    return results, late


def run(plan: Plan) -> dict[str, Any]:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="avvik-bench-"))
    results: dict[str, Any] = {"plan": asdict(plan), "machine": describe(postgres_admin_dsn())}
    try:
        _log("parts 1–2: floor and engine in-process", started)
        results["inprocess"], profiles = _inprocess(plan, workdir)
        _log("parts 3 and 6: HTTP under gunicorn", started)
        results["http"] = _http(plan, workdir, results["inprocess"])
        _log("part 5: case age", started)
        results["case_age"], profiles["step_at_task_200"] = _case_age(plan, workdir)
        results["profiles"] = profiles
        _log(f"part 7: Händelsevis import of {plan.import_rows:,} rows", started)
        results["imports"] = run_imports([fresh_sqlite(workdir, "imports"), fresh_postgres()], plan.import_rows)
        _log(f"part 8: attachment uploads of {plan.upload_kib} KiB", started)
        results["uploads"] = run_uploads(workdir, plan.http_clients, plan.upload_seconds, plan.upload_kib)
        _log(f"part 4: {plan.events:,} events bulk-loaded, then the reads", started)
        results["scale"] = run_scale(plan.events, plan.read_repeats, plan.read_budget_seconds,
                                     lambda message: _log(f"part 4: {message}", started))
    finally:
        drop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)
    # the web app's first-load JavaScript, when it is built (`make web`); nothing to time, so last
    results["web_weight"] = web_weight(DIST) if (DIST / ".vite" / "manifest.json").exists() else None
    results["load_average_at_end"] = load_average()
    results["seconds"] = round(time.monotonic() - started, 1)
    results["targets"] = report.evaluate(results)
    _log("done", started)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="avvik's benchmark (bench/README.md)")
    parser.add_argument("--scale", action="store_true", help="part 4 with 2.5 M events instead of 100 000")
    args = parser.parse_args(argv)
    plan = Plan(scale=args.scale, events=2_500_000 if args.scale else 100_000)
    results = run(plan)
    markdown_path, json_path = report.write(results)
    print(report.markdown(results))
    print(f"\nWritten: {markdown_path}, {json_path} (and latest.md, latest.json)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
