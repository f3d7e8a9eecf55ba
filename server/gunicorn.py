"""`avvik serve`: the API under gunicorn, stateless workers sharing the database.

Workers are gthread workers: each serves `threads` requests at once and keeps a client's connection open between
its requests (HTTP keep-alive), so an API client does not pay a new TCP connection per call, as it did with sync
workers (which close after every response).

gunicorn answers requests it cannot parse itself (request line or headers too long, too many headers, not HTTP),
before the app sees them, with an HTML page. JsonErrorWorker answers them in the API's error shape instead, and
closes every connection gracefully: input the app did not read (a refused oversized body, the rest of a too-long
line) is drained, within bounds, so the client reads the answer instead of a connection reset.
"""

from __future__ import annotations

import gc
import json
import socket
import time
import uuid
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http import errors as http_errors
from gunicorn.http.body import ChunkedReader, LengthReader
from gunicorn.workers.gthread import ThreadWorker
from prometheus_client import multiprocess

__all__ = ["run", "JsonErrorWorker"]

# (exception, status, code, Swedish message); the first match decides. Anything else is a 500.
_CLIENT_ERRORS: list[tuple[type[BaseException], int, str, str]] = [
    (http_errors.LimitRequestLine, 414, "uri_too_long", "Adressen är för lång."),
    (http_errors.LimitRequestHeaders, 431, "headers_too_large", "Begärans huvuden är för många eller för stora."),
    (http_errors.UnsupportedTransferCoding, 501, "not_implemented", "Överföringskodningen stöds inte."),
    (http_errors.ForbiddenProxyRequest, 403, "forbidden", "Begäran är inte tillåten."),
    (http_errors.ConfigurationProblem, 500, "internal_error", "Servern är felkonfigurerad."),
    (http_errors.ParseException, 400, "bad_request", "Begäran är inte giltig HTTP."),
]
# Bounds on draining what the app did not read before closing: a client cannot hold a worker for long.
_DRAIN_BYTES = 16 * 1024 * 1024
_DRAIN_SECONDS = 2.0


class _LingeringSocket:
    """The client socket; on close, if input is still waiting, half-close and read it away first (bounded), so
    the kernel ends the connection with FIN instead of a reset that can destroy the response in flight."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def close(self) -> None:
        try:
            if self._sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                self._sock.shutdown(socket.SHUT_WR)
                self._sock.settimeout(0.5)
                drained, deadline = 0, time.monotonic() + _DRAIN_SECONDS
                while drained < _DRAIN_BYTES and time.monotonic() < deadline:
                    chunk = self._sock.recv(65536)
                    if not chunk:
                        break
                    drained += len(chunk)
        except OSError:
            pass  # nothing waiting (EAGAIN), or the client is gone
        finally:
            self._sock.close()


class _LingeringListener:
    """The listening socket, handing out lingering client sockets."""

    def __init__(self, listener: Any) -> None:
        self._listener = listener

    def __getattr__(self, name: str) -> Any:
        return getattr(self._listener, name)

    def accept(self) -> tuple[_LingeringSocket, Any]:
        sock, addr = self._listener.accept()
        return _LingeringSocket(sock), addr


def _body_left(req: Any) -> bool:
    """Whether the app left some of the request's body unread (a refused upload, an error before the read)."""
    body = req.body
    if body.buf.tell():
        return True
    if isinstance(body.reader, LengthReader):
        return bool(body.reader.length > 0)
    if isinstance(body.reader, ChunkedReader):
        return body.reader.parser is not None
    return True


class JsonErrorWorker(ThreadWorker):  # type: ignore[misc]
    def accept(self, server: Any, listener: Any) -> None:
        super().accept(server, _LingeringListener(listener))

    def handle_request(self, req: Any, conn: Any) -> bool:
        # Keep the connection only if the request was read to its end: otherwise the next "request" would be the
        # rest of a refused body, read whole however large it claims to be. Closing drains it within bounds.
        return bool(super().handle_request(req, conn)) and not _body_left(req)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status, code, message = next(
            ((s, c, m) for cls, s, c, m in _CLIENT_ERRORS if isinstance(exc, cls)),
            (500, "internal_error", "Ett oväntat fel inträffade och ändringen sparades inte. Försök igen."),
        )
        # The request never reached the app: it gets its id here. Only the exception's type is logged, since its
        # text can quote the request line, query values included.
        request_id = uuid.uuid4().hex
        fields = {"request_id": request_id, "status": status, "error": type(exc).__name__}
        if status == 500:
            self.log.exception("Error handling request", extra={"fields": fields})
        else:
            self.log.warning("invalid request", extra={"fields": fields})
        body = json.dumps({"code": code, "message": message, "request_id": request_id}, ensure_ascii=False).encode()
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"X-Request-ID: {request_id}\r\n\r\n")
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:  # noqa: BLE001 - the client may be gone; there is no one left to tell
            self.log.debug("Failed to send error message.")


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from server.app import create_app

        app = create_app()  # per worker, after fork: no connection is shared between processes
        # What the worker holds for its lifetime (~130 000 objects of the imported libraries) is moved out of the
        # collector's reach: a full collection then walks what requests allocate, instead of pausing ~100 ms in
        # the middle of some request (the statistics' p95, bench/README.md). Garbage first, or it is kept for good.
        gc.collect()
        gc.freeze()
        return app


def _child_exit(_server: Any, worker: Any) -> None:
    """A worker's metric files are summed no longer as live values once it is gone (prometheus-client). Imported
    with this module, not here: the arbiter calls this from its SIGCHLD handler, which can interrupt an import
    under way at shutdown, and an import begun inside it then fails with a traceback in the log."""
    multiprocess.mark_process_dead(worker.pid)


# Seconds a kept-alive connection may idle between requests (gunicorn's default is 2). A load balancer's own idle
# timeout should be longer than this, so the balancer never reuses a connection the worker is closing.
KEEPALIVE_SECONDS = 5


def run(host: str, port: int, workers: int, metrics_bind: str | None = None, threads: int = 4) -> None:
    """Serve on host:port, and on metrics_bind too (an internal address where /metrics answers without a token).
    Logs are JSON lines on stderr; each request writes its own line (server/tracing.py), so gunicorn's access
    log is off."""
    from engine.api import LOGGING_CONFIG

    _Application({
        "bind": [f"{host}:{port}", *([metrics_bind] if metrics_bind else [])], "workers": workers,
        "threads": threads, "keepalive": KEEPALIVE_SECONDS, "accesslog": None, "logconfig_dict": LOGGING_CONFIG,
        "timeout": 60,
        "worker_class": f"{__name__}.JsonErrorWorker", "child_exit": _child_exit,
    }).run()
