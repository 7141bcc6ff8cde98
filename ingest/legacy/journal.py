"""The import journal: one SQLite file per import that records every file's state as it changes.

It holds the manifest rows (so a lookup by path needs no manifest in memory), every file met in the walk with
its state, and the dossiers. Each state change is its own committed statement, so a killed import loses at
most the change in flight, and the resume rules in `importer` recover that one from the object store.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from documents.errors import RecordsError
from ingest.ledger import LedgerEntry
from ingest.legacy.fields import ManifestRow

FINAL = ("processed", "duplicate", "rejected", "failed")
_LOAD_BATCH = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    path TEXT PRIMARY KEY, line INTEGER NOT NULL, data TEXT NOT NULL, dup_lines TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS problems (line INTEGER NOT NULL, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE, line INTEGER, doc_id TEXT,
    status TEXT NOT NULL, reason TEXT, pages INTEGER NOT NULL DEFAULT 0, duplicate_of TEXT, dossier TEXT,
    note TEXT, manifest_error INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS files_doc ON files(doc_id);
CREATE INDEX IF NOT EXISTS files_dossier ON files(dossier);
CREATE TABLE IF NOT EXISTS dossiers (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, agency TEXT NOT NULL, written INTEGER NOT NULL DEFAULT 0);
"""


class ImportBusy(RecordsError):
    """Another process is running the same import right now."""


@dataclass
class FileRecord:
    """One file of the import and the state it is in."""

    seq: int
    path: str
    line: int | None
    doc_id: str | None
    status: str
    reason: str | None
    pages: int
    duplicate_of: str | None
    dossier: str | None
    note: str | None


def journal_path(home: Path, root: Path, manifest: Path) -> Path:
    """Where the journal of importing `root` with `manifest` lives (both absolute paths make the key)."""
    key = hashlib.sha256(f"{root.resolve()}\0{manifest.resolve()}".encode()).hexdigest()[:20]
    return home / "imports" / f"{key}.sqlite3"


class Journal:
    """An open journal. Safe to call from the queue's callback thread (one connection behind a lock)."""

    def __init__(self, path: Path, *, exclusive: bool = True) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fh = None
        if exclusive:
            self._lock_fh = open(f"{path}.lock", "w")  # noqa: SIM115 - held for the journal's lifetime
            try:
                fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._lock_fh.close()
                raise ImportBusy("this import is already running in another process; wait for it to finish "
                                 "(or stop it) before running it again") from None
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL survives process kills; a power loss may drop the last changes, which resume recovers
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database and release the import lock."""
        with self._lock:
            self.conn.close()
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- meta ---------------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A stored setting of this import (None when unset)."""
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting of this import."""
        with self._lock:
            self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                              "value = excluded.value", (key, value))

    # -- manifest rows ------------------------------------------------------------------------------------

    def load_rows(self, rows: Iterable[ManifestRow | tuple[int, str]]) -> int:
        """Replace the stored manifest with `rows` (a row, or a (line, problem) for an unreadable one).

        Streams in transactions of a thousand rows; returns the number of rows with a path.
        """
        count = 0
        with self._lock:
            self.conn.execute("BEGIN")
            try:
                self.conn.execute("DELETE FROM rows")
                self.conn.execute("DELETE FROM problems")
                for n, item in enumerate(rows, start=1):
                    if isinstance(item, tuple):
                        self.conn.execute("INSERT INTO problems(line, message) VALUES (?, ?)", item)
                    elif item.path is None:
                        self.conn.execute("INSERT INTO problems(line, message) VALUES (?, ?)",
                                          (item.line, "; ".join(item.errors)))
                    else:
                        count += 1
                        self.conn.execute(
                            "INSERT INTO rows(path, line, data) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                            "dup_lines = dup_lines || ' ' || excluded.line",
                            (item.path, item.line, json.dumps(item.to_dict(), ensure_ascii=False)))
                    if n % _LOAD_BATCH == 0:
                        self.conn.execute("COMMIT")
                        self.conn.execute("BEGIN")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return count

    def row_for(self, path: str) -> ManifestRow | None:
        """The manifest row describing `path` (with a duplicate-path error when several rows do)."""
        with self._lock:
            found = self.conn.execute("SELECT data, dup_lines FROM rows WHERE path = ?", (path,)).fetchone()
        if found is None:
            return None
        row = ManifestRow.from_dict(json.loads(found["data"]))
        if found["dup_lines"].strip():
            others = " and ".join(found["dup_lines"].split())
            row.errors.append(f"the same path is also on line(s) {others}: keep one row per file")
        return row

    def problems(self) -> Iterator[tuple[int, str]]:
        """Rows that could not be read (and problems with the header), by line."""
        for r in self.conn.execute("SELECT line, message FROM problems ORDER BY line"):
            yield r["line"], r["message"]

    def row_errors(self) -> Iterator[tuple[int, str, list[str]]]:
        """(line, path, errors) for every row with a problem, by line (duplicate paths included)."""
        for r in self.conn.execute("SELECT path FROM rows ORDER BY line"):
            row = self.row_for(r["path"])
            if row is not None and row.errors:
                yield row.line, row.path or "", row.errors

    def missing_rows(self) -> Iterator[tuple[int, str]]:
        """(line, path) of manifest rows whose file was not found in the walk."""
        for r in self.conn.execute("SELECT r.line, r.path FROM rows r LEFT JOIN files f ON f.path = r.path "
                                   "WHERE f.path IS NULL ORDER BY r.line"):
            yield r["line"], r["path"]

    # -- files --------------------------------------------------------------------------------------------

    def file(self, path: str) -> FileRecord | None:
        """The journaled state of one file, or None if the walk has not recorded it yet."""
        with self._lock:
            row = self.conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
        return _record(row) if row else None

    def record(self, path: str, *, status: str, line: int | None = None, doc_id: str | None = None,
               reason: str | None = None, pages: int = 0, duplicate_of: str | None = None,
               dossier: str | None = None, note: str | None = None, manifest_error: bool = False) -> None:
        """Write one file's state (insert or update), committed at once."""
        with self._lock:
            self.conn.execute(
                "INSERT INTO files(path, line, doc_id, status, reason, pages, duplicate_of, dossier, note, "
                "manifest_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                "line = excluded.line, doc_id = excluded.doc_id, status = excluded.status, reason = excluded.reason, "
                "pages = excluded.pages, duplicate_of = excluded.duplicate_of, dossier = excluded.dossier, "
                "note = excluded.note, manifest_error = excluded.manifest_error",
                (path, line, doc_id, status, reason, pages, duplicate_of, dossier, note, int(manifest_error)))

    def finish(self, doc_id: str, status: str, reason: str | None, pages: int) -> None:
        """A queued document reached `status`: update the file(s) that queued it."""
        with self._lock:
            self.conn.execute("UPDATE files SET status = ?, reason = ?, pages = ? WHERE doc_id = ? "
                              "AND status = 'queued'", (status, reason, pages, doc_id))

    def queued_paths(self, doc_id: str) -> list[str]:
        """Files waiting for document `doc_id` (one, since later copies are duplicates)."""
        with self._lock:
            return [r["path"] for r in self.conn.execute("SELECT path FROM files WHERE doc_id = ? AND status = "
                                                         "'queued'", (doc_id,))]

    def reset_manifest_rejections(self) -> int:
        """After the manifest was corrected: files rejected for their row are tried again. Returns how many."""
        with self._lock:
            return self.conn.execute("UPDATE files SET status = 'pending' WHERE manifest_error = 1 "
                                     "AND status = 'rejected'").rowcount

    def reset_failures(self) -> int:
        """On a resumed import: files whose processing failed are tried again (their cause may be fixed; the
        document keeps its id, jobs are idempotent). Returns how many."""
        with self._lock:
            return self.conn.execute("UPDATE files SET status = 'pending', reason = NULL WHERE status = 'failed'"
                                     ).rowcount

    def first_holder(self, doc_id: str) -> FileRecord | None:
        """The file that brought `doc_id` into this import (queued or finished), if any."""
        with self._lock:
            row = self.conn.execute("SELECT * FROM files WHERE doc_id = ? AND status IN ('queued', 'processed', "
                                    "'failed') ORDER BY seq LIMIT 1", (doc_id,)).fetchone()
        return _record(row) if row else None

    def files(self) -> Iterator[FileRecord]:
        """Every file in walk order."""
        cursor = self.conn.execute("SELECT * FROM files ORDER BY seq")
        while batch := cursor.fetchmany(500):
            yield from (_record(r) for r in batch)

    def queued_ids(self) -> Iterator[str]:
        """Document ids still waiting for the queue (distributed mode or an interrupted run)."""
        for r in self.conn.execute("SELECT DISTINCT doc_id FROM files WHERE status = 'queued'"):
            yield r["doc_id"]

    def counts(self) -> dict[str, int]:
        """Files per state; the final states are always present."""
        counts = dict.fromkeys(FINAL, 0)
        for r in self.conn.execute("SELECT status, COUNT(*) AS n FROM files GROUP BY status"):
            counts[r["status"]] = r["n"]
        return counts

    def final_count(self) -> int:
        """Files already in a final state."""
        marks = ",".join("?" * len(FINAL))
        return self.conn.execute(f"SELECT COUNT(*) FROM files WHERE status IN ({marks})", FINAL).fetchone()[0]

    def not_in_manifest_count(self) -> int:
        """Files imported without a manifest row."""
        return self.conn.execute("SELECT COUNT(*) FROM files WHERE line IS NULL").fetchone()[0]

    # -- dossiers -----------------------------------------------------------------------------------------

    def dossier_written(self, dossier_id: str) -> bool:
        """True once this import has written the dossier's object."""
        with self._lock:
            row = self.conn.execute("SELECT written FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
        return bool(row and row["written"])

    def add_dossier(self, dossier_id: str, title: str, agency: str) -> None:
        """Remember a dossier as written (its object is in the store)."""
        with self._lock:
            self.conn.execute("INSERT INTO dossiers(id, title, agency, written) VALUES (?, ?, ?, 1) "
                              "ON CONFLICT(id) DO UPDATE SET written = 1", (dossier_id, title, agency))

    def dossiers(self) -> Iterator[tuple[str, str, str]]:
        """(id, title, agency) of every dossier of this import."""
        cursor = self.conn.execute("SELECT id, title, agency FROM dossiers ORDER BY id")
        while batch := cursor.fetchmany(500):
            yield from ((r["id"], r["title"], r["agency"]) for r in batch)

    def dossier(self, dossier_id: str) -> tuple[str, str, str]:
        """(id, title, agency) of one dossier of this import."""
        with self._lock:
            r = self.conn.execute("SELECT id, title, agency FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
        return r["id"], r["title"], r["agency"]

    def dossier_documents(self, dossier_id: str) -> list[str]:
        """The dossier's document ids in order: manifest order first (rows without a line in walk order)."""
        ids: list[str] = []
        seen: set[str] = set()
        for r in self.conn.execute("SELECT doc_id FROM files WHERE dossier = ? AND doc_id IS NOT NULL AND status "
                                   "IN ('queued', 'processed', 'duplicate') ORDER BY line IS NULL, line, seq",
                                   (dossier_id,)):
            if r["doc_id"] not in seen:
                seen.add(r["doc_id"])
                ids.append(r["doc_id"])
        return ids


class JournalSeen:
    """The `seen` mapping `accept_file` expects, backed by the journal instead of memory (flat at any size)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.journal.first_holder(doc_id) is not None

    def __getitem__(self, doc_id: str) -> LedgerEntry:
        holder = self.journal.first_holder(doc_id)
        if holder is None:
            raise KeyError(doc_id)
        return LedgerEntry(path=holder.path, id=doc_id, status=holder.status, pages=holder.pages)

    def __setitem__(self, doc_id: str, entry: LedgerEntry) -> None:
        pass  # the importer journals the entry itself right after accept_file returns


def _record(row: sqlite3.Row) -> FileRecord:
    return FileRecord(seq=row["seq"], path=row["path"], line=row["line"], doc_id=row["doc_id"], status=row["status"],
                      reason=row["reason"], pages=row["pages"], duplicate_of=row["duplicate_of"],
                      dossier=row["dossier"], note=row["note"])


def remove_journal(path: Path) -> None:
    """Delete a journal and its side files (for a deliberate restart from scratch)."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
