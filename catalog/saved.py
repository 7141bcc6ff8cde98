"""Saved searches per user: a name and the search's query string, and when the user last opened it (for the count
of new matches on the start page). The table is created on first use (`CREATE TABLE IF NOT EXISTS`), so a catalog
made by an older version gains it without a migration step."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.db import Catalog
from documents.errors import NotFound, RecordsError
from documents.model import now_iso

MAX_SAVED_PER_USER = 50
MAX_NAME = 120
MAX_QUERY = 4000

_TABLE = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (user, name)
)"""


class InvalidSavedSearch(RecordsError, ValueError):
    """A saved search the catalog refuses (empty or too long name, too long query, too many saved)."""


@dataclass(frozen=True)
class SavedSearch:
    """One saved search of one user. `query` is the search page's query string (`q=...&type=...`)."""

    id: int
    user: str
    name: str
    query: str
    created_at: str
    seen_at: str  # when the user last opened it: matches added later count as new


def _ensure(cat: Catalog) -> None:
    cat.conn().execute(_TABLE)


def _row(row) -> SavedSearch:
    return SavedSearch(id=row["id"], user=row["user"], name=row["name"], query=row["query"],
                       created_at=row["created_at"], seen_at=row["seen_at"])


def save_search(cat: Catalog, user: str, name: str, query: str) -> SavedSearch:
    """Save (or, under the same name, replace) a search of `user`; it counts as seen now."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidSavedSearch(f"a saved search needs a name of 1 to {MAX_NAME} characters")
    if len(query) > MAX_QUERY:
        raise InvalidSavedSearch(f"the search is too long to save (over {MAX_QUERY} characters)")
    _ensure(cat)
    now = now_iso()
    with cat.tx() as conn:
        count = conn.execute("SELECT COUNT(*) FROM saved_searches WHERE user = ? AND name <> ?",
                             (user, name)).fetchone()[0]
        if count >= MAX_SAVED_PER_USER:
            raise InvalidSavedSearch(f"at most {MAX_SAVED_PER_USER} saved searches; delete one first")
        conn.execute("INSERT INTO saved_searches(user, name, query, created_at, seen_at) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT(user, name) DO UPDATE SET query = excluded.query, seen_at = excluded.seen_at",
                     (user, name, query, now, now))
    return get_saved(cat, user, name=name)


def get_saved(cat: Catalog, user: str, saved_id: int | None = None, name: str | None = None) -> SavedSearch:
    """One saved search of `user` by id or name; NotFound for another user's or an unknown one."""
    _ensure(cat)
    if saved_id is not None:
        row = cat.conn().execute("SELECT * FROM saved_searches WHERE id = ? AND user = ?", (saved_id, user)).fetchone()
    else:
        row = cat.conn().execute("SELECT * FROM saved_searches WHERE name = ? AND user = ?", (name, user)).fetchone()
    if row is None:
        raise NotFound("no such saved search")
    return _row(row)


def list_saved(cat: Catalog, user: str) -> list[SavedSearch]:
    """The user's saved searches, by name."""
    _ensure(cat)
    rows = cat.conn().execute("SELECT * FROM saved_searches WHERE user = ? ORDER BY name COLLATE NOCASE",
                              (user,)).fetchall()
    return [_row(r) for r in rows]


def mark_seen(cat: Catalog, user: str, saved_id: int) -> SavedSearch:
    """The user opened the saved search now: its new matches start counting from here."""
    saved = get_saved(cat, user, saved_id)
    with cat.tx() as conn:
        conn.execute("UPDATE saved_searches SET seen_at = ? WHERE id = ? AND user = ?", (now_iso(), saved_id, user))
    return saved


def delete_saved(cat: Catalog, user: str, saved_id: int) -> None:
    """Delete one of the user's saved searches (NotFound if it is not theirs)."""
    _ensure(cat)
    with cat.tx() as conn:
        if conn.execute("DELETE FROM saved_searches WHERE id = ? AND user = ?", (saved_id, user)).rowcount == 0:
            raise NotFound("no such saved search")
