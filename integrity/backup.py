"""`records backup OUT` / `records restore IN`: a consistent snapshot of the embedded home while it runs.

What is in a backup (one tar file, gzip-compressed when OUT ends in .gz):
- `catalog.sqlite3` and the import journals, copied with SQLite's online backup API (a consistent copy even
  while the server or an import writes to them);
- the object store, document by document with the manifest first: every object a manifest calls done was
  written before that manifest, so each document in the backup is complete for the state its manifest records
  (one still `queued`/`processing` is finished by `records recover` after a restore). Temporary files are skipped,
  and each file is read through one open handle, so a file replaced meanwhile is copied whole, old or new;
- not the search index: it is derived data, rebuilt from the store on restore.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from documents.errors import RecordsError
from documents.model import now_iso

FORMAT = 1
MARKER = "records-backup.json"


class BackupError(RecordsError):
    """A backup or restore that cannot be done as asked (the message says why and what to do)."""


@dataclass
class BackupSummary:
    """What a backup holds or a restore brought back."""

    path: str
    files: int
    documents: int
    bytes: int
    indexed: int | None = None  # restore: documents indexed again

    def to_dict(self) -> dict:
        """JSON view."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _check_embedded(settings) -> None:
    if settings.s3_endpoint or settings.es_url:
        raise BackupError("records backup/restore covers the embedded home (local store, tantivy, catalog); with "
                          "S3 and Elasticsearch use their own snapshot tools (MinIO replication, ES snapshots) and "
                          "back up RECORDS_HOME's catalog with this command on an embedded configuration")


def _sqlite_copy(src: Path, tmpdir: Path) -> Path:
    """A consistent copy of a live SQLite database (online backup API)."""
    dest = tmpdir / (src.name + ".copy")
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return dest


def _store_files(store: Path) -> Iterator[Path]:
    """Files of the store, each document's manifest before its other objects; temporary files skipped."""
    for folder, dirs, files in os.walk(store):
        dirs.sort()
        names = sorted(f for f in files if not f.startswith(".tmp-"))
        if "manifest.json" in names:
            names.remove("manifest.json")
            names.insert(0, "manifest.json")
        for name in names:
            yield Path(folder) / name


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> int:
    """Add one file through a single open handle (its size taken from that handle). 0 if it vanished."""
    try:
        fh = open(path, "rb")  # noqa: SIM115  # closed below
    except FileNotFoundError:
        return 0
    with fh:
        info = tar.gettarinfo(arcname=arcname, fileobj=fh)
        tar.addfile(info, fh)
        return info.size


def write_backup(settings, out: Path) -> BackupSummary:
    """Write the snapshot of `settings.home` to `out` (atomically: a temporary file renamed at the end)."""
    _check_embedded(settings)
    home = Path(settings.home)
    if not home.is_dir():
        raise BackupError(f"{home} does not exist: nothing to back up (check RECORDS_HOME)")
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} exists already: choose a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    mode = "w:gz" if out.name.endswith(".gz") else "w"
    files = size = documents = 0
    partial = out.with_name(f".{out.name}.partial")
    with tempfile.TemporaryDirectory(prefix="records-backup-") as tmp, tarfile.open(partial, mode) as tar:
        databases = [settings.catalog_path, *sorted((home / "imports").glob("*.sqlite3"))]
        for db in databases:
            if db.exists():
                size += _add_file(tar, _sqlite_copy(db, Path(tmp)), db.relative_to(home).as_posix())
                files += 1
        for sub in ("store", "uploads"):
            for path in _store_files(home / sub) if (home / sub).is_dir() else ():
                added = _add_file(tar, path, path.relative_to(home).as_posix())
                if path.name == "manifest.json" and path.parent.parent.name == "documents":
                    documents += 1
                files += 1
                size += added
        marker = json.dumps({"format": FORMAT, "created_at": now_iso(), "files": files, "documents": documents,
                             "bytes": size}).encode()
        info = tarfile.TarInfo(MARKER)
        info.size = len(marker)
        tar.addfile(info, io.BytesIO(marker))
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, out)
    return BackupSummary(str(out), files, documents, size)


def _safe_member(member: tarfile.TarInfo) -> bool:
    parts = PurePosixPath(member.name).parts
    return (member.isfile() or member.isdir()) and not PurePosixPath(member.name).is_absolute() and ".." not in parts


def _is_empty_home(home: Path) -> bool:
    if not home.exists():
        return True
    store = home / "store" / "documents"
    return not (home / "catalog.sqlite3").exists() and not (store.exists() and any(store.iterdir()))


def restore_backup(settings, source: Path) -> BackupSummary:
    """Unpack a backup into an empty `settings.home`, then rebuild the search index from the restored store."""
    _check_embedded(settings)
    home = Path(settings.home)
    if not _is_empty_home(home):
        raise BackupError(f"{home} is not empty: restore into a new, empty RECORDS_HOME (nothing was changed)")
    try:
        tar = tarfile.open(source, "r:*")  # noqa: SIM115  # closed by the with-block below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} is not a Records backup ({exc})") from exc
    with tar:
        try:
            marker = json.loads(tar.extractfile(MARKER).read())
        except (KeyError, AttributeError, ValueError) as exc:
            raise BackupError(f"{source} is not a Records backup (no {MARKER})") from exc
        if marker.get("format") != FORMAT:
            raise BackupError(f"{source} has backup format {marker.get('format')}; this Records reads {FORMAT}")
        home.mkdir(parents=True, exist_ok=True)
        members = [m for m in tar.getmembers() if m.name != MARKER]
        unsafe = [m.name for m in members if not _safe_member(m)]
        if unsafe:
            raise BackupError(f"{source} holds unsafe entries ({', '.join(unsafe[:3])}); not restored")
        tar.extractall(home, members=members, filter="data")
    from workers.backends import open_backends
    from workers.reindex import rebuild_index

    backends = open_backends(settings)
    try:
        indexed = rebuild_index(backends)
    finally:
        backends.close()
    return BackupSummary(str(source), marker["files"], marker["documents"], marker["bytes"], indexed=indexed)
