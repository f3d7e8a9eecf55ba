"""The virus-scanning hook: every upload passes a scanner before it is stored.

ClamdScanner speaks clamd's INSTREAM protocol (clamd(8)): `zINSTREAM\\0`, then the bytes in chunks each prefixed
with its length as a 4-byte big-endian integer, then a zero length; clamd answers `stream: OK` or
`stream: <signature> FOUND`. A deployment enables it with AVVIK_CLAMD=unix:/run/clamav/clamd.ctl or
AVVIK_CLAMD=tcp:127.0.0.1:3310. Without it, NoScanner lets every file through (the default: not every region
runs clamd). A scanner that cannot answer refuses the upload: an unscanned file is never stored.
"""

from __future__ import annotations

import os
import socket
import struct
from typing import Any, Protocol

__all__ = ["ScanFailed", "Scanner", "NoScanner", "ClamdScanner", "scanner_from_env"]

CHUNK = 64 * 1024


class ScanFailed(Exception):
    """The scanner could not say whether the file is clean."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> str | None:
        """The signature found, or None when the file is clean; ScanFailed when it cannot tell."""
        ...


class NoScanner:
    def scan(self, data: bytes) -> str | None:
        return None


class ClamdScanner:
    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address, self.timeout = address, timeout

    def _connect(self) -> socket.socket:
        kind, _, where = self.address.partition(":")
        if kind == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: Any = where
        elif kind == "tcp":
            host, _, port = where.rpartition(":")
            sock, target = socket.socket(socket.AF_INET, socket.SOCK_STREAM), (host, int(port))
        else:
            raise ScanFailed(f"unknown clamd address {self.address!r}")
        sock.settimeout(self.timeout)
        sock.connect(target)
        return sock

    def scan(self, data: bytes) -> str | None:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start:start + CHUNK]
                    sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.sendall(struct.pack(">I", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as error:
            raise ScanFailed(str(error)) from None
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith("OK"):
            return None
        if text.endswith("FOUND"):
            return text.removeprefix("stream:").removesuffix("FOUND").strip()
        raise ScanFailed(text or "no answer")


def scanner_from_env(env: Any = os.environ) -> Scanner:
    address = env.get("AVVIK_CLAMD")
    return ClamdScanner(address) if address else NoScanner()
