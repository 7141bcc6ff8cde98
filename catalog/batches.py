"""Upload batches received over HTTP: who owns them and every file's ledger state, updated live.

The ingest stage keeps its own stored ledger (`ingest.intake.batch_status`); this table adds the owner (for access
control) and the states before ingest knows a file (`received`, `processing`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog.db import Catalog
from documents.errors import NotFound
from documents.model import now_iso


@dataclass
class BatchFile:
    """One uploaded file's ledger row."""

    seq: int
    name: str
    size: int
    status: str  # received | processing | queued | processed | duplicate | rejected | failed
    doc_id: str | None = None
    pages: int | None = None
    error: str | None = None
    duplicate_of: str | None = None


@dataclass
class BatchRecord:
    """A batch: owner, state (`receiving`, `processing`, `done`, `failed`) and its files."""

    id: str
    agency: str
    user: str
    state: str
    error: str | None
    options: dict[str, Any]
    created_at: str
    finished_at: str | None
    files: list[BatchFile] = field(default_factory=list)
    error_key: str | None = None  # `error`'s message key and params (documents.errors), for the web UI
    error_params: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Files per status."""
        out: dict[str, int] = {}
        for f in self.files:
            out[f.status] = out.get(f.status, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view with counts."""
        data = asdict(self)
        data["counts"] = self.counts()
        data["done"] = self.state in ("done", "failed")
        return data


def create_batch(cat: Catalog, batch_id: str, agency: str, user: str, options: dict[str, Any],
                 files: list[tuple[str, int]]) -> None:
    """Record a received batch and its files (name, size) in state `received`."""
    with cat.tx() as conn:
        conn.execute("INSERT INTO batches(id, agency, user, state, options, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     (batch_id, agency, user, "processing", json.dumps(options, ensure_ascii=False), now_iso()))
        conn.executemany("INSERT INTO batch_files(batch, seq, name, size, status) VALUES (?, ?, ?, ?, 'received')",
                         [(batch_id, i, name, size) for i, (name, size) in enumerate(files)])


def finish_batch(cat: Catalog, batch_id: str, error: str | None = None, message: dict | None = None) -> None:
    """Mark the batch done (or failed with a reason, and its keyed message); files still unfinished get that
    reason too."""
    key, params = (message["key"], json.dumps(message["params"], ensure_ascii=False)) if message else (None, None)
    with cat.tx() as conn:
        conn.execute("UPDATE batches SET state = ?, error = ?, error_key = ?, error_params = ?, finished_at = ? "
                     "WHERE id = ?", ("failed" if error else "done", error, key, params, now_iso(), batch_id))
        if error:
            conn.execute("UPDATE batch_files SET status = 'failed', error = ? WHERE batch = ? "
                         "AND status IN ('received', 'processing')", (error, batch_id))


def get_batch(cat: Catalog, batch_id: str) -> BatchRecord:
    """The batch and its files; raises NotFound."""
    conn = cat.conn()
    row = conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
    if row is None:
        raise NotFound(f"no batch {batch_id!r}")
    files = [BatchFile(seq=r["seq"], name=r["name"], size=r["size"], status=r["status"], doc_id=r["doc_id"],
                       pages=r["pages"], error=r["error"], duplicate_of=r["duplicate_of"])
             for r in conn.execute("SELECT * FROM batch_files WHERE batch = ? ORDER BY seq", (batch_id,))]
    return _record(row, files)


def unfinished_batches(cat: Catalog) -> list[BatchRecord]:
    """Batches acknowledged but never finished (the server stopped while they ran), oldest first, with files."""
    ids = [r["id"] for r in cat.conn().execute("SELECT id FROM batches WHERE state = 'processing' "
                                                "ORDER BY created_at, rowid")]
    return [get_batch(cat, i) for i in ids]


def list_batches(cat: Catalog, agency: str, limit: int = 20) -> list[BatchRecord]:
    """The agency's most recent batches (without their files)."""
    rows = cat.conn().execute("SELECT * FROM batches WHERE agency = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                              (agency, limit)).fetchall()
    return [_record(r) for r in rows]


def _record(row, files: list[BatchFile] | None = None) -> BatchRecord:
    return BatchRecord(id=row["id"], agency=row["agency"], user=row["user"], state=row["state"], error=row["error"],
                       options=json.loads(row["options"]), created_at=row["created_at"],
                       finished_at=row["finished_at"], files=files or [], error_key=row["error_key"],
                       error_params=json.loads(row["error_params"] or "{}"))
