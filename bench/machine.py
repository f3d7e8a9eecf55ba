"""What the figures were measured on: the machine, the software versions and the date."""

from __future__ import annotations

import os
import platform
from datetime import datetime, UTC
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg

__all__ = ["describe", "load_average"]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: how busy the (shared) machine was."""
    return [round(x, 2) for x in os.getloadavg()]


def describe(postgres_dsn: str) -> dict[str, Any]:
    with psycopg.connect(postgres_dsn) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "spiffworkflow": version("SpiffWorkflow"),
        "sqlalchemy": version("SQLAlchemy"),
        "psycopg": version("psycopg"),
        "flask": version("Flask"),
        "gunicorn": version("gunicorn"),
        "postgresql": row[0] if row else "unknown",
        "load_average_at_start": load_average(),
    }
