"""Opening the SQLite catalog: one connection per thread, WAL journal, schema created on first open."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from settings import Settings

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agencies (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies(name),
    role TEXT NOT NULL CHECK (role IN ('clerk', 'officer', 'admin')),
    token_prefix TEXT NOT NULL,
    token_sha256 TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT
);
CREATE INDEX IF NOT EXISTS users_token_prefix ON users(token_prefix);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    user TEXT NOT NULL,
    state TEXT NOT NULL,
    error TEXT,
    options TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS batch_files (
    batch TEXT NOT NULL REFERENCES batches(id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    doc_id TEXT,
    pages INTEGER,
    error TEXT,
    duplicate_of TEXT,
    PRIMARY KEY (batch, seq)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    user TEXT NOT NULL,
    agency TEXT,
    role TEXT,
    action TEXT NOT NULL,
    target TEXT,
    target_agency TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    client TEXT,
    prev_hash TEXT,
    hash TEXT
);
CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts);
CREATE INDEX IF NOT EXISTS audit_user ON audit(user, ts);
CREATE INDEX IF NOT EXISTS audit_action ON audit(action, ts);
-- The audit log is append-only: no code path may rewrite history, so SQLite refuses it too.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


class Catalog:
    """A handle on the catalog file. Safe to share between threads: each thread gets its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self.conn()
        conn.executescript(_SCHEMA)  # idempotent (IF NOT EXISTS); executescript manages its own transaction
        _add_columns(conn, "audit", {"prev_hash": "TEXT", "hash": "TEXT"})  # catalogs made before the hash chain
        # the batch error's message key and params (JSON), for the web UI's translation (documents.errors)
        _add_columns(conn, "batches", {"error_key": "TEXT", "error_params": "TEXT"})
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE so concurrent writers queue instead of failing midway)."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection. Safe to call twice."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _add_columns(conn: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    """Add columns that an older catalog's table lacks (additive migration; names are constants here)."""
    have = {r["name"] for r in conn.execute(f"PRAGMA table_info({table})")}
    for name, kind in columns.items():
        if name not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def open_catalog(settings: Settings) -> Catalog:
    """The catalog at `settings.catalog_path`, created if missing."""
    return Catalog(settings.catalog_path)
