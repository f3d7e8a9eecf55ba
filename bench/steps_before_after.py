"""`python -m bench.steps_before_after --baseline PATH [--rounds 3] [--lifecycles 8]`: the cost of an engine step
before and after a change, in one run: rounds of vård lifecycles (bench/inprocess.py) in subprocesses that
alternate between another checkout (`--baseline`, e.g. a worktree of the commit before) and this tree, each on a
fresh database, on SQLite and PostgreSQL (AVVIK_BENCH_DATABASE=avvik_steps). Prints the median report and
completion ms per variant as JSON, with the load average; asserts nothing."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.machine import load_average

__all__ = ["main"]

HERE = Path(__file__).resolve().parent.parent


def _lifecycles(backend: str, count: int) -> dict[str, float]:
    """In this process: `count` lifecycles after three warm-up ones; the medians in ms."""
    from bench.databases import drop_postgres, fresh_postgres, fresh_sqlite
    from bench.inprocess import engine_lifecycle, prepared_engine

    with tempfile.TemporaryDirectory() as workdir:
        chosen = fresh_postgres() if backend == "postgresql" else fresh_sqlite(Path(workdir), "steps")
        engine = prepared_engine(chosen)
        for _ in range(3):
            engine_lifecycle(engine)
        runs = [engine_lifecycle(engine) for _ in range(count)]
        engine.db.dispose()
        if backend == "postgresql":
            drop_postgres()
    return {"report_ms": statistics.median(r[0] for r in runs) * 1000,
            "complete_ms": statistics.median(s for r in runs for s in r[1:]) * 1000}


def _run(tree: Path, backend: str, count: int) -> dict[str, float]:
    """This file's code, importing bench and engine from `tree` (the baseline need not have this file; run as a
    script, its folder would come first on sys.path and bench/profile.py would hide the standard library's)."""
    code = (f"import runpy, sys; sys.argv = ['steps', '--one', {backend!r}, '--lifecycles', '{count}']; "
            f"runpy.run_path({__file__!r}, run_name='__main__')")
    command = [sys.executable, "-c", code]
    env = {**os.environ, "PYTHONPATH": str(tree), "AVVIK_BENCH_DATABASE": "avvik_steps"}
    result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.steps_before_after", description=__doc__)
    parser.add_argument("--baseline", type=Path, help="checkout of the code before the change")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lifecycles", type=int, default=8)
    parser.add_argument("--one", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)  # a subprocess's part
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_lifecycles(args.one, args.lifecycles)))
        return 0
    if args.baseline is None:
        parser.error("--baseline is required")
    runs: dict[str, list[dict[str, float]]] = {}
    for backend in ("sqlite", "postgresql"):
        for _ in range(args.rounds):
            for name, tree in (("before", args.baseline.resolve()), ("after", HERE)):
                runs.setdefault(f"{backend} {name}", []).append(_run(tree, backend, args.lifecycles))
    medians = {key: {measure: round(statistics.median(r[measure] for r in values), 2)
                     for measure in ("report_ms", "complete_ms")} for key, values in runs.items()}
    print(json.dumps({"medians": medians, "load_average": load_average()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
