"""The catalog: users and hashed tokens, the append-only audit log, and the `records users` / `records audit`
commands run for real."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from catalog import (
    access_for_user,
    add_user,
    append_audit,
    audit,
    authenticate,
    disable_user,
    list_audit,
    list_users,
    open_catalog,
    principal_for_user,
    rotate_token,
)
from catalog.users import InvalidName
from documents.errors import NotFound, RecordsError
from index.base import SearchRequest
from settings import Settings
from tests.conftest import records_json, run_records


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


def test_token_is_shown_once_and_stored_only_as_its_hash(settings: Settings) -> None:
    cat = open_catalog(settings)
    user, token = add_user(cat, "lan", "so-tu-phap", "clerk")
    assert token.startswith("rec_") and len(token) >= 40
    assert authenticate(cat, token) == user
    raw = Path(settings.catalog_path).read_bytes() + b"".join(
        p.read_bytes() for p in Path(settings.catalog_path).parent.glob("catalog.sqlite3-*"))
    assert token.encode() not in raw, "the token must not be stored in clear"
    row = sqlite3.connect(settings.catalog_path).execute("SELECT token_sha256 FROM users WHERE name='lan'").fetchone()
    assert row[0] == hashlib.sha256(token.encode()).hexdigest()


def test_wrong_rotated_and_disabled_tokens_are_refused(settings: Settings) -> None:
    cat = open_catalog(settings)
    _, token = add_user(cat, "minh", "so-xay-dung", "officer")
    assert authenticate(cat, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert authenticate(cat, "") is None and authenticate(cat, None) is None and authenticate(cat, "Bearer x") is None
    new = rotate_token(cat, "minh")
    assert authenticate(cat, token) is None and authenticate(cat, new).name == "minh"
    disable_user(cat, "minh")
    assert authenticate(cat, new) is None
    with pytest.raises(NotFound):
        principal_for_user(settings, "minh")


def test_names_roles_and_duplicates_are_checked(settings: Settings) -> None:
    cat = open_catalog(settings)
    add_user(cat, "hoa", "ubnd-a", "admin")
    with pytest.raises(RecordsError, match="already exists"):
        add_user(cat, "hoa", "ubnd-b", "clerk")
    with pytest.raises(RecordsError, match="role"):
        add_user(cat, "x", "ubnd-a", "superuser")
    for bad in ("", "../etc", "a b", "x" * 80, "'; DROP TABLE users; --"):
        with pytest.raises(InvalidName):
            add_user(cat, bad, "ubnd-a", "clerk")
    assert [u.name for u in list_users(cat)] == ["hoa"]


def test_access_for_user_and_clerk_narrowing(settings: Settings) -> None:
    cat = open_catalog(settings)
    add_user(cat, "clerk1", "a", "clerk")
    add_user(cat, "officer1", "a", "officer")
    assert access_for_user(settings, "officer1").agency == "a"
    assert not access_for_user(settings, "officer1").all_agencies
    clerk = principal_for_user(settings, "clerk1")
    req = SearchRequest(query="x", access=access_for_user(settings, "officer1"))
    assert clerk.narrow(req).agency == "a"
    from dataclasses import replace

    assert clerk.narrow(replace(req, agency="b")) is None
    officer = principal_for_user(settings, "officer1")
    assert officer.narrow(replace(req, agency="b")).agency == "b"  # the index still applies the ACL
    with pytest.raises(NotFound):
        access_for_user(settings, "nobody")


def test_audit_log_is_append_only_and_filterable(settings: Settings) -> None:
    cat = open_catalog(settings)
    append_audit(cat, user="u1", agency="a", action="search", detail={"q": "ngân sách"})
    append_audit(cat, user="u2", agency="b", action="view", target="doc1", target_agency="a")
    audit(settings, "u3", "c", "download", "doc9", {"what": "original"}, target_agency="c")
    assert [e.action for e in list_audit(cat)] == ["download", "view", "search"]
    assert [e.user for e in list_audit(cat, agency="a")] == ["u2", "u1"]  # by a's users or on a's documents
    assert list_audit(cat, action="search")[0].detail == {"q": "ngân sách"}
    assert list_audit(cat, user="u2")[0].target == "doc1"
    assert list_audit(cat, since="2999-01-01") == []
    conn = sqlite3.connect(settings.catalog_path)
    for sql in ("UPDATE audit SET user = 'someone-else'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    assert len(list_audit(cat)) == 3


def test_users_and_audit_commands(tmp_path: Path, env: dict[str, str]) -> None:
    created = records_json(["users", "add", "thu", "--agency", "so-y-te", "--role", "officer"], env)
    assert created["name"] == "thu" and created["agency"] == "so-y-te" and created["token"].startswith("rec_")
    plain = run_records(["users", "add", "nam", "--agency", "so-y-te", "--role", "clerk"], env).stdout
    assert "shown only once" in plain and "rec_" in plain
    listed = records_json(["users", "list"], env)
    assert {u["name"]: u["role"] for u in listed} == {"nam": "clerk", "thu": "officer"}
    assert all("token" not in u for u in listed)
    dup = run_records(["users", "add", "thu", "--agency", "x", "--role", "clerk"], env, check=False)
    assert dup.returncode != 0 and "already exists" in dup.stderr
    lines = run_records(["audit", "--action", "user.add", "--json"], env).stdout.splitlines()
    assert [json.loads(line)["target"] for line in lines] == ["nam", "thu"]
