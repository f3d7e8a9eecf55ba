"""Structured logs: one JSON object per line on stderr, for the API workers and `avvik worker` alike.

A line carries time, level, logger, message and the record's `fields` (logger.info("...", extra={"fields": {...}})).
What a log line may hold is decided where it is written: identifiers, codes, counts, durations and route
templates, never a request body, query value or form field. An exception is logged as its type and stack frames
only: its message can quote input (a validator's message quotes the value it refused), so it never reaches a log.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime, UTC
from typing import Any

__all__ = ["JsonFormatter", "configure", "LOGGING_CONFIG"]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            line["error"] = kind.__name__
            line["stack"] = [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(trace)]
        return json.dumps(line, ensure_ascii=False, default=str)


# For gunicorn's logconfig_dict and configure(): everything, gunicorn's own lines included, as JSON on stderr.
LOGGING_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},  # avvik writes its own
    },
}


def configure() -> None:
    """JSON lines on stderr from the root logger (the worker and other long-running commands); like
    logging.basicConfig, nothing changes when the root logger already has handlers (a test runner's)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
