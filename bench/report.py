"""The run's results as a Markdown table (with the machine and the hot spots) and as JSON, written to
bench/results/ under a dated name and as latest.md / latest.json."""

from __future__ import annotations

import json
import os
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "TARGETS", "evaluate", "markdown", "write"]

RESULTS = Path(__file__).resolve().with_name("results")
SCALE_TARGET_EVENTS = 2_500_000

# (id, what, limit, higher is better)
TARGETS: tuple[tuple[str, str, float, bool], ...] = (
    ("completions_per_s", "task completions/s over HTTP", 500, True),
    ("submits_per_s", "report submissions/s over HTTP", 300, True),
    ("step_ratio_inprocess", "engine step ÷ floor step (in-process)", 2.0, False),
    ("step_ratio_http", "HTTP completion p50 ÷ floor step", 2.0, False),
    ("worklist_p95_ms", "worklist p95 (ms) at 2.5 M events", 10.0, False),
    ("case_age_ratio", "engine step at task 200 ÷ at task 5", 1.5, False),
    ("rss_mib", "peak RSS per worker (MiB)", 250, False),
)


def _measured(results: dict[str, Any]) -> dict[str, float | None]:
    pg_http = results["http"]["postgresql"]
    return {
        "completions_per_s": pg_http["completions_per_s"],
        "submits_per_s": pg_http["submits_per_s"],
        "step_ratio_inprocess": results["inprocess"]["engine_postgresql"]["ratio_to_floor"],
        "step_ratio_http": pg_http["complete_p50_to_floor_step"],
        "worklist_p95_ms": results["scale"]["reads"]["worklist_region"].get("p95_ms"),
        "case_age_ratio": results["case_age"]["postgresql"]["engine"]["ratio_last_to_first"],
        "rss_mib": max(max(results["http"][b]["peak_rss_mib_per_worker"]) for b in results["http"]),
    }


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value (PostgreSQL) and whether it was met."""
    measured = _measured(results)
    events = results["scale"]["load"]["events"]
    rows = []
    for key, what, limit, higher in TARGETS:
        value = measured[key]  # None: the read was cut by the statement timeout
        met = value is not None and (value >= limit if higher else value <= limit)
        row = {"id": key, "target": what, "limit": limit, "measured": value, "met": met}
        if key == "worklist_p95_ms" and events < SCALE_TARGET_EVENTS:
            row["note"] = f"measured at {events:,} events; the target is for {SCALE_TARGET_EVENTS:,} (make bench-scale)"
        rows.append(row)
    return rows


def _ms(summary: dict[str, Any], *keys: str) -> str:
    return " / ".join(f"{summary[k]:.1f}" for k in keys)


def _status(targets: list[dict[str, Any]], key: str) -> str:
    row = next(r for r in targets if r["id"] == key)
    word = "**met**" if row["met"] else "**missed**"
    return f"{word} (indicative)" if "note" in row else word


def _rows(r: dict[str, Any], targets: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    ip, http, age, scale = r["inprocess"], r["http"], r["case_age"], r["scale"]
    fs, fp = ip["floor_sqlite"], ip["floor_postgresql"]
    es, ep = ip["engine_sqlite"], ip["engine_postgresql"]
    hs, hp = http["sqlite"], http["postgresql"]
    load, reads = scale["load"], scale["reads"]
    mem = f"{ip['floor_memory']['per_step_ms']:.2f}"
    steps = ip["steps_per_lifecycle"]
    return [
        ("1", "Floor in memory: ms per step", mem, mem, "", ""),
        ("1", "Floor + serialize + 1 row & commit per step: ms per step",
         f"{fs['per_step_ms']:.2f}", f"{fp['per_step_ms']:.2f}", "", ""),
        ("1", "… of which serialize / write+commit (ms per step)",
         f"{fs['serialize_ms_per_step']:.2f} / {fs['write_commit_ms_per_step']:.2f}",
         f"{fp['serialize_ms_per_step']:.2f} / {fp['write_commit_ms_per_step']:.2f}", "", ""),
        ("2", "Engine in-process: ms per step", f"{es['per_step_ms']:.2f}", f"{ep['per_step_ms']:.2f}", "", ""),
        ("2", "Engine ÷ floor with writes, per step", f"{es['ratio_to_floor']:.1f}×", f"{ep['ratio_to_floor']:.1f}×",
         "≤ 2×", _status(targets, "step_ratio_inprocess")),
        ("2", "report_event p50 / p95 (ms)", _ms(es["report_event_ms"], "p50_ms", "p95_ms"),
         _ms(ep["report_event_ms"], "p50_ms", "p95_ms"), "", ""),
        ("2", "complete_task p50 / p95 (ms)", _ms(es["complete_task_ms"], "p50_ms", "p95_ms"),
         _ms(ep["complete_task_ms"], "p50_ms", "p95_ms"), "", ""),
        ("2", f"SQL statements per lifecycle ({steps} steps)", str(es["statements_per_lifecycle"]),
         str(ep["statements_per_lifecycle"]), "", ""),
        ("3", "HTTP report submissions/s", f"{hs['submits_per_s']:.1f}", f"{hp['submits_per_s']:.1f}", "≥ 300",
         _status(targets, "submits_per_s")),
        ("3", "HTTP submit p50 / p95 / p99 (ms)", _ms(hs["submit"]["latency"]["submit"], "p50_ms", "p95_ms", "p99_ms"),
         _ms(hp["submit"]["latency"]["submit"], "p50_ms", "p95_ms", "p99_ms"), "", ""),
        ("3", "HTTP task completions/s (each: GET /tasks + POST complete)", f"{hs['completions_per_s']:.1f}",
         f"{hp['completions_per_s']:.1f}", "≥ 500", _status(targets, "completions_per_s")),
        ("3", "HTTP complete p50 / p95 / p99 (ms, POST only)",
         _ms(hs["complete"]["latency"]["complete"], "p50_ms", "p95_ms", "p99_ms"),
         _ms(hp["complete"]["latency"]["complete"], "p50_ms", "p95_ms", "p99_ms"), "", ""),
        ("3", "HTTP worklist GET p50 / p95 (ms)", _ms(hs["complete"]["latency"]["worklist"], "p50_ms", "p95_ms"),
         _ms(hp["complete"]["latency"]["worklist"], "p50_ms", "p95_ms"), "", ""),
        ("3", "HTTP complete p50 ÷ floor step", f"{hs['complete_p50_to_floor_step']:.1f}×",
         f"{hp['complete_p50_to_floor_step']:.1f}×", "≤ 2×", _status(targets, "step_ratio_http")),
        ("3", "CPU ms per submit: workers / PostgreSQL / driver = total", _cpu(hs["cpu_ms_per_submit"]),
         _cpu(hp["cpu_ms_per_submit"]), "≤ 6.7 for 300/s on 2 cores", ""),
        ("3", "CPU ms per completion (incl. its worklist GET): workers / PostgreSQL / driver = total",
         _cpu(hs["cpu_ms_per_completion"]), _cpu(hp["cpu_ms_per_completion"]), "≤ 4 for 500/s on 2 cores", ""),
        ("3", "Worker CPU per completion ÷ floor step", f"{hs['cpu_per_completion_to_floor_step']:.1f}×",
         f"{hp['cpu_per_completion_to_floor_step']:.1f}×", "", ""),
        ("4", f"Bulk load (COPY): {load['events']:,} events, {load['tasks']:,} tasks ({load['open_tasks']:,} open), "
              f"{load['actions']:,} actions: s (+ VACUUM ANALYZE s)", "",
         f"{load['load_seconds']:.0f} (+ {load['analyze_seconds']:.0f}), {load['database_mib']:,.0f} MiB", "", ""),
        ("4", "Worklist p50 / p95 (ms), handler on region r1 (half the org)", "",
         _read(reads["worklist_region"]), "p95 ≤ 10 ms at 2.5 M",
         _status(targets, "worklist_p95_ms")),
        ("4", "… the same with psycopg's automatic server-side prepare off (prepare_threshold=None)", "",
         _read(reads["worklist_region_unprepared"]), "", ""),
        ("4", "Worklist p50 / p95 (ms), handler on one hospital", "",
         _read(reads["worklist_hospital"]), "", ""),
        ("4", "Event list p50 / p95 (ms): region, status=in_progress", "",
         _read(reads["events_region_status"]), "", ""),
        ("4", "Event list p50 / p95 (ms): one hospital, area=vard", "",
         _read(reads["events_hospital_area"]), "", ""),
        ("4", "Event list p50 / p95 (ms): region, no filter", "",
         _read(reads["events_region_unfiltered"]), "", ""),
        *_stats_rows(r["scale"].get("stats")),
        ("5", "Floor: ms per step at task 5 / 200 (ratio)", _age(age["sqlite"]["floor"]),
         _age(age["postgresql"]["floor"]), "", ""),
        ("5", "Engine: ms per step at task 5 / 200 (ratio)", _age(age["sqlite"]["engine"]),
         _age(age["postgresql"]["engine"]), "ratio ≤ 1.5×", _status(targets, "case_age_ratio")),
        ("6", "Peak RSS per gunicorn worker (VmHWM, MiB)", _rss(hs), _rss(hp), "≤ 250", _status(targets, "rss_mib")),
    ]


def _stats_rows(stats: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """Part 4's statistics (bench/stats.py): the region-wide answer against the issue's target, and its parts."""
    if stats is None:
        return []
    if stats.get("timed_out"):
        return [("4", "Statistics p50 / p95 (ms): region, all figures", "",
                 f"> {stats['statement_timeout_s']} s: cut by the statement timeout", "p95 ≤ 200 ms at 2.5 M", "")]
    return [
        ("4", "Statistics p50 / p95 (ms): region, all figures", "", _ms(stats["stats_region"], "p50_ms", "p95_ms"),
         "p95 ≤ 200 ms at 2.5 M", ""),
        ("4", "Statistics p50 / p95 (ms): region, this year", "",
         _ms(stats["stats_region_this_year"], "p50_ms", "p95_ms"), "", ""),
        ("4", "Statistics p50 / p95 (ms): one hospital", "", _ms(stats["stats_hospital"], "p50_ms", "p95_ms"), "", ""),
        ("4", "Statistics p50 / p95 (ms): region, counts per area only", "",
         _ms(stats["stats_region_area_only"], "p50_ms", "p95_ms"), "", ""),
    ]


def _read(summary: dict[str, Any]) -> str:
    if summary["timed_out"]:
        return f"> {summary['statement_timeout_s']} s: cut by the statement timeout"
    return _ms(summary, "p50_ms", "p95_ms")


def _age(series: dict[str, Any]) -> str:
    at = series["ms_at_task"]
    return f"{at['5']:.1f} / {at['200']:.1f} ({series['ratio_last_to_first']:.1f}×)"


def _cpu(parts: dict[str, float | None]) -> str:
    database = "—" if parts["postgresql"] is None else f"{parts['postgresql']:.1f}"
    return f"{parts['workers']:.1f} / {database} / {parts['driver']:.1f} = {parts['total']:.1f}"


def _rss(http: dict[str, Any]) -> str:
    return " / ".join(f"{v:.0f}" for v in http["peak_rss_mib_per_worker"])


def _hot_spots(title: str, prof: dict[str, Any], count: int = 8) -> list[str]:
    layers = ", ".join(f"{k} {v:.0%}" for k, v in list(prof["self_time_share_by_layer"].items())[:6])
    lines = [f"**{title}** ({prof['profiled_ms_per_call']:.1f} ms per call under cProfile; "
             f"garbage-collector pauses {prof['gc_pause_share']:.0%}). Self time: {layers}.", ""]
    lines += [f"- `{h['function']}`: {h['cumulative_share']:.0%} ({h['ms_per_call']:.1f} ms)"
              for h in prof["hot_spots"][:count]]
    return lines + [""]


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    targets = r["targets"]
    lines = [
        f"# avvik bench — {m['date']}{' (scale)' if r['plan']['scale'] else ''}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gib']} GiB; Python {m['python']}, "
        f"SpiffWorkflow {m['spiffworkflow']}, SQLAlchemy {m['sqlalchemy']}, psycopg {m['psycopg']}, "
        f"PostgreSQL {m['postgresql']}, gunicorn {m['gunicorn']}. Load average at start {m['load_average_at_start']}, "
        f"at end {r['load_average_at_end']} (a shared machine).",
        "",
        f"All figures from this one run. HTTP: `avvik serve --workers 2` (gthread workers, 4 threads each) on "
        f"loopback with {r['plan']['http_clients']} closed-loop client threads, each keeping its connection alive, "
        f"**in the driver, which shares the 2 cores with the server and PostgreSQL**. Ratios are to the floor with "
        f"writes on the same database.",
        "",
        "| Part | Figure | SQLite | PostgreSQL | Target (PostgreSQL) | Status |",
        "|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(r, targets)]
    if "imports" in r:  # part 7 (bench/imports.py)
        imp = r["imports"]
        for key, label in (("dry_run_s", "dry run (s)"), ("import_s", "import (s)"),
                           ("rerun_s", "re-run, all there (s)")):
            lines.append(f"| 7 Händelsevis import, {imp['rows']:,} rows | {label} | {imp['sqlite'][key]} | "
                         f"{imp['postgresql'][key]} | – | – |")
    if "uploads" in r:  # part 8 (bench/uploads.py)
        up = r["uploads"]
        sq, pg = up["sqlite"], up["postgresql"]
        lines.append(f"| 8 attachment uploads, {sq['file_kib']} KiB each | uploads/s (MiB/s) | "
                     f"{sq['uploads_per_s']} ({sq['mib_per_s']}) | {pg['uploads_per_s']} ({pg['mib_per_s']}) | – | – |")
        lines.append(f"| 8 attachment uploads | p50 / p95 ms; CPU ms per upload (total) | "
                     f"{_ms(sq['latency'], 'p50_ms', 'p95_ms')}; {sq['cpu_ms_per_upload']['total']} | "
                     f"{_ms(pg['latency'], 'p50_ms', 'p95_ms')}; {pg['cpu_ms_per_upload']['total']} | – | – |")
    if r.get("web_weight"):  # bench/web_weight.py, from the built web app
        web = r["web_weight"]
        lines.append(f"| web app | first-load JavaScript of /rapportera, gzip kB (all JS {web['all_js_kb']}) | – | "
                     f"{web['reporter_first_load_kb']} | ≤ {web['goal_kb']} | "
                     f"{'met' if web['reporter_first_load_kb'] <= web['goal_kb'] else 'missed'} |")
    worklist = r["scale"]["explain_worklist"]
    generic = worklist["generic"]
    lines += ["", f"Worklist plan (EXPLAIN ANALYZE for the call's values, top line): `{worklist['top_line']}`; "
              f"{worklist['plan'][-1].strip()}. The same statement's generic plan (what a prepared statement runs "
              f"once PostgreSQL stops re-planning it; the engine's copy on this connection ran "
              f"{generic['engine_statement_generic_plans']} generic and {generic['engine_statement_custom_plans']} "
              f"custom plans): `{generic['top_line']}`; {generic['execution'].strip()}.", ""]
    lines += ["Event list (region, status filter) plans, top lines: "
              + "; ".join(f"`{p['top_line']}`{'' if p['analyzed'] else ' (estimate: the analysed run timed out)'}"
                          for p in r["scale"]["explain_event_list"]), ""]
    lines += ["## Where the time goes (PostgreSQL)", ""]
    profiles = r["profiles"]
    lines += _hot_spots("Engine lifecycle in-process", profiles["engine_lifecycle"])
    lines += _hot_spots("Lifecycle through the Flask app in-process", profiles["server_lifecycle"])
    lines += _hot_spots("Engine step at task ~200 of the rework case", profiles["step_at_task_200"])
    lines += _hot_spots("Worklist at scale (region handler)", r["scale"]["profile_worklist"])
    if "profile_event_list" in r["scale"]:
        lines += _hot_spots("Event list at scale (region, status filter)", r["scale"]["profile_event_list"])
    return "\n".join(lines)


def write(results: dict[str, Any]) -> tuple[Path, Path]:
    """bench/results/<date>[-scale].{md,json} and latest.{md,json}, each written whole, then renamed."""
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ") + ("-scale" if results["plan"]["scale"] else "")
    text = markdown(results) + "\n"
    data = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    written = []
    for name, content in ((f"{stamp}.md", text), (f"{stamp}.json", data), ("latest.md", text), ("latest.json", data)):
        target = RESULTS / name
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, target)
        written.append(target)
    return written[0], written[1]
