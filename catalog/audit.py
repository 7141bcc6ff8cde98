"""The append-only audit log: every search, view, download, upload and visibility change."""

from __future__ import annotations

import json
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return asdict(self)


def append_audit(cat: Catalog, *, user: str, agency: str | None, action: str, target: str | None = None,
                 detail: dict[str, Any] | None = None, role: str | None = None, target_agency: str | None = None,
                 client: str | None = None) -> int:
    """Append one entry and return its id. Entries can never be changed or removed (SQLite triggers refuse)."""
    conn = cat.conn()
    cur = conn.execute(
        "INSERT INTO audit(ts, user, agency, role, action, target, target_agency, detail, client) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (now_iso(), user, agency, role, action, target, target_agency,
         json.dumps(detail or {}, ensure_ascii=False, sort_keys=True), client))
    return int(cur.lastrowid)


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
                       detail=json.loads(r["detail"]), client=r["client"]) for r in rows]
