"""Object store in a local directory: the embedded default."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from documents.errors import NotFound
from storage.base import ObjectStore, check_key


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStore(ObjectStore):
    """Each key is a file below `root`. Writes go to a temp file, fsync, rename, fsync the directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _write(self, key: str, write) -> str:
        dest = self._path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh, digest)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(dest.parent)
        return digest.hexdigest()

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        def write(fh, digest):
            fh.write(data)

        self._write(key, write)

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        def write(fh, digest):
            with open(path, "rb") as src:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    fh.write(chunk)

        return self._write(key, write)

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no object {key}") from None

    def open_stream(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            fh = open(self._path(key), "rb")  # noqa: SIM115 - closed by the generator
        except FileNotFoundError:
            raise NotFound(f"no object {key}") from None

        def chunks() -> Iterator[bytes]:
            with fh:
                while chunk := fh.read(chunk_size):
                    yield chunk

        return chunks()

    def get_file(self, key: str, dest: Path) -> Path:
        try:
            shutil.copyfile(self._path(key), dest)
        except FileNotFoundError:
            raise NotFound(f"no object {key}") from None
        return dest

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[str]:
        base = self.root / prefix.rstrip("/") if prefix.endswith("/") else self.root
        if not base.exists():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.startswith(".tmp-"):
                    continue
                key = Path(dirpath, name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise NotFound(f"no object {key}") from None
