"""`python -m bench.before_after --baseline PATH [--postgres] [--sqlite]`: issue 19's HTTP changes against the code
before them, in one run: the same HTTP phases as part 3 (bench/http_load.py) against `avvik serve` from another
checkout (`--baseline`, e.g. a worktree of the commit before), then from this tree with a new connection per
request (what part 3 measured before), then from this tree with each client keeping its connection. Each variant
gets a fresh database. Prints one JSON document; asserts nothing."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.databases import drop_postgres, fresh_postgres, fresh_sqlite
from bench.http_load import run_http
from bench.machine import load_average

__all__ = ["main"]


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "submits_per_s": result["submits_per_s"], "completions_per_s": result["completions_per_s"],
        "complete_p50_ms": result["complete"]["latency"]["complete"]["p50_ms"],
        "worklist_p50_ms": result["complete"]["latency"]["worklist"]["p50_ms"],
        "cpu_ms_per_completion": result["cpu_ms_per_completion"], "cpu_ms_per_submit": result["cpu_ms_per_submit"],
        "failures": {**result["submit"]["failures"], **result["complete"]["failures"]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.before_after")
    parser.add_argument("--baseline", type=Path, required=True, help="checkout of the code before the change")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--submit-seconds", type=float, default=10.0)
    parser.add_argument("--complete-seconds", type=float, default=12.0)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="avvik-before-after-"))
    variants = [("before", args.baseline, False), ("after_new_connections", None, False),
                ("after_keepalive", None, True)]
    results: dict[str, Any] = {"load_average_at_start": load_average()}
    try:
        for name in args.backends.split(","):
            for variant, code, keepalive in variants:
                backend = fresh_sqlite(workdir, f"{variant}-{name}") if name == "sqlite" else fresh_postgres()
                print(f"[before_after] {name} {variant}", file=sys.stderr, flush=True)
                result = run_http(backend, workdir, args.clients, 3.0, args.submit_seconds, args.complete_seconds,
                                  keepalive=keepalive, code=code)
                results[f"{name}/{variant}"] = _summary(result)
            before = results[f"{name}/before"]
            for variant in ("after_new_connections", "after_keepalive"):
                after = results[f"{name}/{variant}"]
                results[f"{name}/{variant}"]["ratio_to_before"] = {
                    key: round(after[key] / before[key], 2) if before[key] else None
                    for key in ("submits_per_s", "completions_per_s")}
    finally:
        drop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)
    results["load_average_at_end"] = load_average()
    print(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
