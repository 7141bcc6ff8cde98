"""Agencies, users and their API tokens. Tokens are shown once and stored only as a sha256 hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from catalog.db import Catalog
from documents.access import ROLES, Principal
from documents.errors import NotFound, RecordsError
from documents.model import now_iso

TOKEN_PREFIX = "rec_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_PREFIX_LEN = 12  # characters of the token kept in clear to find its row; the rest is only hashed


class InvalidName(RecordsError):
    """A user or agency name that the catalog refuses (empty, too long, odd characters)."""


@dataclass(frozen=True)
class User:
    """A catalog user (never carries the token)."""

    name: str
    agency: str
    role: str
    disabled: bool
    created_at: str
    created_by: str | None = None

    @property
    def principal(self) -> Principal:
        """The rights this user acts with."""
        return Principal(user=self.name, agency=self.agency, role=self.role)

    def to_dict(self) -> dict:
        """JSON-ready view."""
        return {"name": self.name, "agency": self.agency, "role": self.role, "disabled": self.disabled,
                "created_at": self.created_at, "created_by": self.created_by}


def check_name(value: str, what: str) -> str:
    """Validate a user or agency name; raises InvalidName with a reason a person can act on."""
    if not _NAME.match(value or ""):
        raise InvalidName(f"{what} name {value!r} is not allowed: use 1-64 letters, digits, '.', '_', '-' or '@', "
                          "starting with a letter or digit", f"err_{what}_name_invalid", value=value)
    return value


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    # 32 random bytes, URL-safe; the prefix makes leaked tokens easy to recognise in logs and scanners.
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _row_user(row) -> User:
    return User(name=row["name"], agency=row["agency"], role=row["role"], disabled=bool(row["disabled"]),
                created_at=row["created_at"], created_by=row["created_by"])


def add_user(cat: Catalog, name: str, agency: str, role: str, created_by: str | None = None) -> tuple[User, str]:
    """Create a user (and its agency if new); returns the user and its API token, which is not stored in clear."""
    check_name(name, "user")
    check_name(agency, "agency")
    if role not in ROLES:
        raise RecordsError(f"role {role!r} is not one of {', '.join(ROLES)}", "err_role", known=", ".join(ROLES))
    token = _new_token()
    now = now_iso()
    with cat.tx() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise RecordsError(f"user {name!r} already exists; pick another name or rotate its token",
                               "err_user_exists", name=name)
        conn.execute("INSERT OR IGNORE INTO agencies(name, created_at) VALUES (?, ?)", (agency, now))
        conn.execute("INSERT INTO users(name, agency, role, token_prefix, token_sha256, created_at, created_by) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (name, agency, role, token[:_PREFIX_LEN], _hash(token), now, created_by))
    return get_user(cat, name), token


def rotate_token(cat: Catalog, name: str) -> str:
    """Replace a user's token (the old one stops working at once); returns the new token."""
    token = _new_token()
    with cat.tx() as conn:
        cur = conn.execute("UPDATE users SET token_prefix = ?, token_sha256 = ? WHERE name = ?",
                           (token[:_PREFIX_LEN], _hash(token), name))
        if cur.rowcount == 0:
            raise NotFound(f"no user {name!r}")
    return token


def disable_user(cat: Catalog, name: str) -> None:
    """Disable a user: its token is refused from now on."""
    with cat.tx() as conn:
        if conn.execute("UPDATE users SET disabled = 1 WHERE name = ?", (name,)).rowcount == 0:
            raise NotFound(f"no user {name!r}")


def get_user(cat: Catalog, name: str, *, include_disabled: bool = False) -> User:
    """The user called `name`; raises NotFound for an unknown (or disabled) user."""
    row = cat.conn().execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None or (row["disabled"] and not include_disabled):
        raise NotFound(f"no user {name!r} (add it with `records users add {name} --agency A --role R`)")
    return _row_user(row)


def list_users(cat: Catalog, agency: str | None = None) -> list[User]:
    """Every user, or those of one agency, by name."""
    if agency is None:
        rows = cat.conn().execute("SELECT * FROM users ORDER BY name").fetchall()
    else:
        rows = cat.conn().execute("SELECT * FROM users WHERE agency = ? ORDER BY name", (agency,)).fetchall()
    return [_row_user(r) for r in rows]


def list_agencies(cat: Catalog) -> list[str]:
    """Every known agency name, sorted."""
    return [r["name"] for r in cat.conn().execute("SELECT name FROM agencies ORDER BY name")]


def authenticate(cat: Catalog, token: str | None) -> User | None:
    """The enabled user holding `token`, or None. The hash comparison runs in constant time."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _hash(token)
    rows = cat.conn().execute("SELECT * FROM users WHERE token_prefix = ?", (token[:_PREFIX_LEN],)).fetchall()
    found = None
    for row in rows:
        if hmac.compare_digest(row["token_sha256"], digest) and not row["disabled"]:
            found = row
    return _row_user(found) if found is not None else None
