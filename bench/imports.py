"""Part 7: the Händelsevis import of a generated 100 000-row CSV (engine/records/imports.py), on SQLite and
PostgreSQL: the dry run (every row read and checked), the import, and the re-run that finds them all there.

`python -m bench.imports [--rows N]` runs this part alone and prints its figures as JSON."""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.databases import Backend, drop_postgres, fresh_postgres, fresh_sqlite
from bench.inprocess import prepared_engine

__all__ = ["legacy_file", "run_imports"]

MAPPING = (Path(__file__).resolve().parents[1] / "tests" / "records" / "data" / "handelsevis-mapping.yaml").read_bytes()
UNITS = ["KS Akutmottagning", "KS Avdelning 12", "Visby lasarett"]
CATEGORIES = ["Läkemedel", "Fall", "Arbetsskada"]


def legacy_file(rows: int, seed: int = 17) -> bytes:
    """A Händelsevis-like CSV export of `rows` closed reports over 2012–2021 (2 % of them makulerade)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["LopNr", "Registrerad", "Handelsedatum", "Avslutad", "Enhet", "Kategori", "Status", "Rubrik",
                     "Beskrivning"])
    for number in range(1, rows + 1):
        year, month, day = rng.randint(2012, 2021), rng.randint(1, 12), rng.randint(1, 28)
        writer.writerow([number, f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                         f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}-28", rng.choice(UNITS),
                         rng.choice(CATEGORIES), "Makulerad" if rng.random() < 0.02 else "Avslutad",
                         f"Händelse {number}", "Beskrivning av händelsen ur det gamla systemet."])
    return out.getvalue().encode("utf-8")


def _timed(call: Any) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    result = call()
    return round(time.perf_counter() - start, 2), result


def run_imports(backends: list[Backend], rows: int) -> dict[str, Any]:
    data = legacy_file(rows)
    results: dict[str, Any] = {"rows": rows, "file_bytes": len(data)}
    for backend in backends:
        engine = prepared_engine(backend)
        try:
            dry_s, dry = _timed(lambda: engine.import_history(data, MAPPING, "bench", dry_run=True))
            run_s, done = _timed(lambda: engine.import_history(data, MAPPING, "bench", dry_run=False))
            again_s, again = _timed(lambda: engine.import_history(data, MAPPING, "bench", dry_run=False))
        finally:
            engine.db.dispose()
        if dry["problems"] or done["imported"] != dry["to_import"] or again["imported"] != 0:
            raise RuntimeError(f"the import did not go as planned on {backend.name}: {dry['problems'][:3]}")
        results[backend.name] = {"dry_run_s": dry_s, "import_s": run_s, "rerun_s": again_s,
                                 "imported": done["imported"], "skipped": done["skipped"],
                                 "rows_per_s": round(rows / run_s)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="avvik-bench-import-"))
    try:
        print(json.dumps(run_imports([fresh_sqlite(workdir, "imports"), fresh_postgres()], args.rows), indent=1))
    finally:
        drop_postgres()
    return 0


if __name__ == "__main__":
    sys.exit(main())
