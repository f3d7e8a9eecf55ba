"""Where attachment bytes live: a content-addressed store behind one small seam.

The contract (tests/records/test_storage.py runs it against every store it can reach):
- `put(sha256, data)` stores the bytes under their SHA-256 (hex); putting the same content again is a no-op.
- `get(sha256)` returns exactly those bytes, or raises `BlobMissing`; a store never returns bytes whose hash
  differs from the key (a damaged file is missing, not wrong).
- `delete(sha256)` removes them (no error if already gone); `exists(sha256)` says whether they are there.
The database row (engine/store/models.py Attachment) says what, whose and how classified; the store knows only
hashes, so two uploads of one photo are stored once.

FileStore (default): a directory tree under var/ (AVVIK_ATTACHMENT_DIR), written atomically (temp file + rename).
S3Store: S3-compatible object storage for deployments with more than one host (AVVIK_ATTACHMENT_STORE=s3; boto3
from the `s3` extra).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

__all__ = ["BlobMissing", "AttachmentStore", "FileStore", "S3Store", "store_from_env"]

_HEX = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(Exception):
    """The store has no (intact) bytes for this hash."""


def _checked(sha256: str) -> str:
    if not _HEX.match(sha256):  # the key becomes a path or an object name: nothing but 64 hex digits
        raise ValueError("not a SHA-256 hex digest")
    return sha256


class AttachmentStore(Protocol):
    def put(self, sha256: str, data: bytes) -> None: ...
    def get(self, sha256: str) -> bytes: ...
    def delete(self, sha256: str) -> None: ...
    def exists(self, sha256: str) -> bool: ...


class FileStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        key = _checked(sha256)
        return self.root / key[:2] / key[2:4] / key

    def put(self, sha256: str, data: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)  # readers see the whole file or none

    def get(self, sha256: str) -> bytes:
        try:
            data = self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobMissing(sha256)
        return data

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()


class S3Store:
    """Objects `<prefix><sha256>` in one bucket; `client` is a boto3 S3 client (any S3-compatible endpoint)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "attachments/") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _key(self, sha256: str) -> str:
        return self.prefix + _checked(sha256)

    def put(self, sha256: str, data: bytes) -> None:
        if not self.exists(sha256):
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=data)

    def get(self, sha256: str) -> bytes:
        try:
            data: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise BlobMissing(sha256) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobMissing(sha256)
        return data

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def store_from_env(env: Any = os.environ) -> AttachmentStore:
    """AVVIK_ATTACHMENT_STORE=fs (default; AVVIK_ATTACHMENT_DIR, default var/attachments) or s3 (AVVIK_S3_BUCKET,
    AVVIK_S3_PREFIX, AVVIK_S3_ENDPOINT_URL; credentials the usual AWS way)."""
    if env.get("AVVIK_ATTACHMENT_STORE", "fs") == "s3":
        import boto3  # the optional `s3` extra

        client = boto3.client("s3", endpoint_url=env.get("AVVIK_S3_ENDPOINT_URL") or None)
        return S3Store(client, env["AVVIK_S3_BUCKET"], env.get("AVVIK_S3_PREFIX", "attachments/"))
    return FileStore(env.get("AVVIK_ATTACHMENT_DIR") or Path("var") / "attachments")
