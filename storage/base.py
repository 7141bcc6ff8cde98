"""The one small interface every object store implements."""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from documents.errors import RecordsError

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9][A-Za-z0-9._\-]*)*$")


def check_key(key: str) -> str:
    """Refuse keys that could escape the store (`..`, absolute paths, odd characters)."""
    if not _KEY.match(key) or ".." in key.split("/"):
        raise RecordsError(f"invalid object key {key!r}")
    return key


class ObjectStore(ABC):
    """Keys are `/`-separated relative paths (see `documents.model`); values are bytes or files.

    Every write is atomic and durable before it returns; a missing key raises `documents.errors.NotFound`.
    """

    @abstractmethod
    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Store `data` under `key`, replacing what was there."""

    @abstractmethod
    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        """Stream a local file into the store; returns its sha256 (hex), verified on write."""

    @abstractmethod
    def get_bytes(self, key: str) -> bytes:
        """The whole object."""

    @abstractmethod
    def open_stream(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """The object in chunks, for downloads that should not sit in memory."""

    @abstractmethod
    def get_file(self, key: str, dest: Path) -> Path:
        """Copy the object to a local file (for tools that need a path) and return `dest`."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when the key is stored."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove one key; removing a missing key is not an error."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[str]:
        """Keys under `prefix` (a `/`-terminated folder or a plain prefix), in sorted order."""

    @abstractmethod
    def size(self, key: str) -> int:
        """Size of the object in bytes."""

    def url(self, key: str, expires_seconds: int = 3600) -> str | None:
        """A direct download URL where the backend offers one (presigned for S3); None otherwise."""
        return None

    def put_json(self, key: str, value: Any) -> None:
        """Store a JSON document (UTF-8, not ASCII-escaped)."""
        self.put_bytes(key, json.dumps(value, ensure_ascii=False, indent=1).encode(), "application/json")

    def get_json(self, key: str) -> Any:
        """Read a JSON document."""
        return json.loads(self.get_bytes(key))

    def document_ids(self) -> Iterator[str]:
        """Every document id in the store (from its manifest key), sorted."""
        for key in self.list("documents/"):
            parts = key.split("/")
            if len(parts) == 3 and parts[2] == "manifest.json":
                yield parts[1]
