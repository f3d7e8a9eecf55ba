"""Where the time goes: cProfile over repeated calls, reduced to (a) the share of self time per layer (engine,
server, SQLAlchemy, SpiffWorkflow, the database driver, …) and (b) the engine and server functions with the
largest cumulative share. cProfile's own overhead inflates Python-heavy layers; shares, not absolute times, are
the point."""

from __future__ import annotations

import cProfile
import gc
import pstats
import re
import time
from typing import Any
from collections.abc import Callable

from sqlalchemy import event

from bench import vard
from bench.trees import REPO_TREE
from engine import Engine

__all__ = ["profile", "count_statements", "server_lifecycle"]

_OWN = (("engine", "avvik engine"), ("server", "avvik server"))
_LIBRARIES = (
    # the ORM (identity map, unit of work, loading objects) apart from Core (statements, compiling, result rows):
    # the hot path's remedy differs between them
    ("/sqlalchemy/orm/", "SQLAlchemy ORM"),
    ("/sqlalchemy/", "SQLAlchemy Core"),
    ("/SpiffWorkflow/", "SpiffWorkflow"),
    ("/psycopg", "psycopg"),
    ("sqlite3", "sqlite3"),
    ("/jsonschema", "jsonschema"),
    ("/referencing/", "jsonschema"),
    ("/flask/", "Flask/Werkzeug"),
    ("/werkzeug/", "Flask/Werkzeug"),
    ("/marshmallow/", "marshmallow"),
    ("/json/", "json"),
)
# Wrappers around every call (the use-case facade, the auth and endpoint decorators): near 100 %, they say nothing.
_FACADE = ("engine/api.py:", "server/auth.py:wrapper ", "server/http.py:handler ")


def _layer(filename: str, function: str) -> str:
    if filename == "~":  # a C function: name it by what it is
        if "sqlite3" in function:
            return "sqlite3"
        if "psycopg" in function:
            return "psycopg"
        return "builtins (C)"
    for package, layer in _OWN:
        if filename.startswith(f"{REPO_TREE}/{package}/"):
            return layer
    for marker, layer in _LIBRARIES:
        if marker in filename:
            return layer
    return "other Python"


class _CollectorClock:
    """Adds up the garbage collector's pauses (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def _short(filename: str) -> str:
    """A repo file relative to the repo, a library file from its package folder on."""
    if filename.startswith(f"{REPO_TREE}/") and "/site-packages/" not in filename:
        return filename.removeprefix(f"{REPO_TREE}/")
    return re.split(r"/site-packages/|/lib/python3\.\d+/", filename)[-1]


def profile(call: Callable[[], Any], repeats: int, top: int = 14) -> dict[str, Any]:
    """Profile `repeats` calls of `call` (after one unprofiled warm-up call)."""
    call()
    collector = _CollectorClock()
    profiler = cProfile.Profile()
    gc.callbacks.append(collector)
    profiler.enable()
    try:
        for _ in range(repeats):
            call()
    finally:
        profiler.disable()
        gc.callbacks.remove(collector)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tottime for (_calls, _prim, tottime, _cum, _callers) in stats.values())
    layers: dict[str, float] = {}
    own: list[tuple[float, str]] = []
    self_times: list[tuple[float, str]] = []
    for (filename, line, function), (_calls, _prim, tottime, cumtime, _callers) in stats.items():
        layer = _layer(filename, function)
        layers[layer] = layers.get(layer, 0.0) + tottime
        name = f"{_short(filename)}:{function} (line {line})" if filename != "~" else function
        self_times.append((tottime, name))
        if layer in ("avvik engine", "avvik server") and not name.startswith(_FACADE):
            own.append((cumtime, name))
    own.sort(reverse=True)
    self_times.sort(reverse=True)
    return {
        "calls": repeats,
        "profiled_ms_per_call": round(total / repeats * 1000, 2),
        # cProfile books a collector pause on whatever function allocated when it struck
        "gc_pause_share": round(collector.seconds / total, 3),
        "self_time_share_by_layer": {k: round(v / total, 3) for k, v in sorted(layers.items(), key=lambda i: -i[1])},
        "hot_spots": [
            {"function": name, "cumulative_share": round(cum / total, 3), "ms_per_call": round(cum / repeats * 1000, 2)}
            for cum, name in own[:top]
        ],
        "top_self_time": [
            {"function": name, "self_share": round(own_time / total, 3)} for own_time, name in self_times[:top // 2]
        ],
    }


def count_statements(engine: Engine, call: Callable[[], Any]) -> int:
    """How many SQL statements one call of `call` sends through the engine's connections."""
    count = [0]

    def tick(*_args: Any) -> None:
        count[0] += 1

    event.listen(engine.db.engine, "before_cursor_execute", tick)
    try:
        call()
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", tick)
    return count[0]


def server_lifecycle(engine: Engine) -> Callable[[], None]:
    """One vård lifecycle through the Flask app in-process (test client, no sockets): report, then for each task
    the worklist read and the completion, as the API's clients do."""
    from server.app import create_app
    from server.config import Settings

    client = create_app(Settings(database_url=engine.db.url), engine=engine).test_client()
    tokens = {user: {"Authorization": f"Bearer {engine.create_token(user, 'bench')}"}
              for user in (vard.REPORTER, *vard.DEMO_USERS.values())}

    def lifecycle() -> None:
        reply = client.post("/api/v1/events", json={"unit_id": vard.REPORT_UNIT, "data": vard.REPORT},
                            headers=tokens[vard.REPORTER])
        number = reply.get_json()["number"]
        for step in vard.STEPS:
            user = vard.DEMO_USERS[step.role]
            tasks = client.get("/api/v1/tasks?limit=200", headers=tokens[user]).get_json()
            task = next(t for t in tasks if t["event_number"] == number and t["spec_name"] == step.spec_name)
            done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": step.data}, headers=tokens[user])
            if done.status_code != 200:
                raise RuntimeError(f"completing {step.spec_name} gave {done.status_code}: {done.get_json()}")

    return lifecycle
