"""`avvik serve`: the API under gunicorn, stateless workers sharing the database."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

__all__ = ["run"]


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from server import create_app

        return create_app()  # per worker, after fork: no connection is shared between processes


def run(host: str, port: int, workers: int) -> None:
    _Application({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-", "timeout": 60}).run()
