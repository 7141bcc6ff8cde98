"""The append-only audit log: every search, view, download, upload and visibility change.

The log is a hash chain: each entry stores the SHA-256 of the previous entry (`prev_hash`) and its own (`hash`,
over its fields and `prev_hash`), so an entry edited or deleted by someone who bypassed SQLite's triggers (or
edited the file) breaks the chain at that point; `verify_chain` finds the first bad entry.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from catalog.db import Catalog
from documents.model import now_iso


@dataclass(frozen=True)
class AuditEntry:
    """One audited action: who (user, agency, role), when, what (action, target), and details."""

    id: int
    ts: str
    user: str
    agency: str | None
    role: str | None
    action: str
    target: str | None
    target_agency: str | None
    detail: dict[str, Any]
    client: str | None
    prev_hash: str | None = None  # the chain (None for entries older than it)
    hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return asdict(self)


_FIELDS = ("id", "ts", "user", "agency", "role", "action", "target", "target_agency", "detail", "client")
GENESIS = "0" * 64  # the prev_hash of the first entry


def entry_hash(row: dict[str, Any] | sqlite3.Row, prev_hash: str) -> str:
    """SHA-256 of one entry's fields (as stored) and the previous entry's hash."""
    values = [row[name] for name in _FIELDS]
    return hashlib.sha256(json.dumps([*values, prev_hash], ensure_ascii=False).encode()).hexdigest()


def append_audit(cat: Catalog, *, user: str, agency: str | None, action: str, target: str | None = None,
                 detail: dict[str, Any] | None = None, role: str | None = None, target_agency: str | None = None,
                 client: str | None = None) -> int:
    """Append one entry and return its id. Entries can never be changed or removed (SQLite triggers refuse),
    and each one is chained to the previous one by hash (see `verify_chain`)."""
    conn = cat.conn()
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")  # read the last hash and append as one step: writers queue here
    try:
        last = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        prev = (last["hash"] if last is not None else None) or GENESIS
        # the id is part of the hash, so it is chosen here (inside the write lock): one past the highest ever
        # given (sqlite_sequence remembers deleted tail entries, so their ids are never reused)
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        top = conn.execute("SELECT MAX(id) AS m FROM audit").fetchone()["m"] or 0
        row = {"id": max(top, seq["seq"] if seq is not None else 0) + 1, "ts": now_iso(), "user": user,
               "agency": agency, "role": role, "action": action, "target": target, "target_agency": target_agency,
               "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True), "client": client}
        conn.execute(
            "INSERT INTO audit(id, ts, user, agency, role, action, target, target_agency, detail, client, prev_hash, "
            "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*row.values(), prev, entry_hash(row, prev)))
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return row["id"]


def list_audit(cat: Catalog, *, user: str | None = None, action: str | None = None, since: str | None = None,
               until: str | None = None, agency: str | None = None, target: str | None = None,
               limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """Entries newest first, filtered. `agency` keeps entries made by that agency's users OR on its documents.

    `since`/`until` are ISO dates or timestamps (UTC); `until` is inclusive of the whole day for a bare date.
    """
    where, params = [], []
    if user:
        where.append("user = ?")
        params.append(user)
    if action:
        where.append("action = ?")
        params.append(action)
    if since:
        where.append("ts >= ?")
        params.append(since)
    if until:
        where.append("ts <= ?")
        params.append(until + "T23:59:59+00:00" if len(until) == 10 else until)
    if agency:
        where.append("(agency = ? OR target_agency = ?)")
        params += [agency, agency]
    if target:
        where.append("target = ?")
        params.append(target)
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
    rows = cat.conn().execute(sql, [*params, max(0, limit), max(0, offset)]).fetchall()
    return [AuditEntry(id=r["id"], ts=r["ts"], user=r["user"], agency=r["agency"], role=r["role"],
                       action=r["action"], target=r["target"], target_agency=r["target_agency"],
                       detail=json.loads(r["detail"]), client=r["client"], prev_hash=r["prev_hash"],
                       hash=r["hash"]) for r in rows]


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the audit chain: entries checked, those older than the chain, the first bad one."""

    checked: int
    unchained: int  # entries written before the chain existed (no hash), at the start of the log
    bad_id: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when no entry was edited, removed or inserted out of the chain."""
        return self.bad_id is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {"checked": self.checked, "unchained": self.unchained, "ok": self.ok,
                "first_bad": None if self.ok else {"id": self.bad_id, "problem": self.problem}}


def verify_chain(cat: Catalog) -> ChainReport:
    """Walk the log oldest first and recompute every hash; stop at the first entry that does not fit.

    Finds: an edited entry (its hash no longer matches its fields), a deleted entry (a gap in the ids, or the next
    entry's `prev_hash` names another entry), entries deleted at the end (the highest id ever given is missing).
    """
    conn = cat.conn()
    prev_hash, prev_id, checked, unchained = None, 0, 0, 0
    for r in conn.execute("SELECT * FROM audit ORDER BY id"):
        checked += 1
        if r["hash"] is None:
            if prev_hash is not None:
                return ChainReport(checked, unchained, r["id"], "entry has no hash although earlier ones do: "
                                                              "it was inserted outside Records")
            unchained, prev_id = unchained + 1, r["id"]
            continue
        expected_prev = prev_hash or GENESIS
        if prev_id and r["id"] != prev_id + 1:
            return ChainReport(checked, unchained, r["id"],
                               f"entries {prev_id + 1}..{r['id'] - 1} before it are missing (deleted)")
        if r["prev_hash"] != expected_prev:
            return ChainReport(checked, unchained, r["id"], "its link to the previous entry is broken: the previous "
                                                          "entry was changed, replaced or deleted")
        if entry_hash(r, r["prev_hash"]) != r["hash"]:
            return ChainReport(checked, unchained, r["id"], "its content was changed after it was written "
                                                          "(the hash no longer matches)")
        prev_hash, prev_id = r["hash"], r["id"]
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    if seq is not None and seq["seq"] > prev_id:
        return ChainReport(checked, unchained, prev_id + 1,
                           f"entries {prev_id + 1}..{seq['seq']} at the end of the log are missing (deleted)")
    return ChainReport(checked, unchained)
