"""The audit log shows tampering: `records audit --verify` names the first entry that was edited, deleted or
slipped in by someone who went around SQLite's append-only triggers (dropped them, or edited the file)."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from catalog import append_audit, open_catalog
from catalog.audit import verify_chain
from conftest import records_env, run_records
from settings import Settings


def _fill(home: Path, n: int) -> Path:
    settings = Settings(home=home)
    cat = open_catalog(settings)
    for i in range(n):
        append_audit(cat, user=f"u{i % 3}", agency="so-a", action="search", detail={"q": f"query {i}", "n": i},
                     client="127.0.0.1")
    cat.close()
    return settings.catalog_path


def _verify(home: Path) -> tuple[int, dict]:
    proc = run_records(["audit", "--verify", "--json"], records_env(home), check=False)
    return proc.returncode, json.loads(proc.stdout)


def _tamper(path: Path, *statements: str) -> None:
    """What an attacker with the file does: drop the triggers, then rewrite history."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_intact_log_verifies_and_the_triggers_still_refuse(home: Path) -> None:
    path = _fill(home, 12)
    code, report = _verify(home)
    assert code == 0 and report == {"checked": 12, "unchained": 0, "ok": True, "first_bad": None}
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET user = 'x' WHERE id = 3")
    conn.close()
    text = run_records(["audit", "--verify"], records_env(home)).stdout
    assert "audit log intact: 12 entries checked" in text


@pytest.mark.parametrize(("statements", "bad_id", "words"), [
    (["UPDATE audit SET user = 'someone-else' WHERE id = 5"], 5, "content was changed"),
    (["UPDATE audit SET detail = '{\"q\": \"nothing to see\"}' WHERE id = 1"], 1, "content was changed"),
    (["DELETE FROM audit WHERE id = 7"], 8, "missing (deleted)"),
    (["DELETE FROM audit WHERE id >= 11"], 11, "at the end of the log are missing"),
    # a deleted entry replaced by a forged one with the same id: its link to the previous entry still breaks
    # unless the forger also recomputed the hash, and then the next entry's link breaks
    (["DELETE FROM audit WHERE id = 4",
      "INSERT INTO audit(id, ts, user, agency, role, action, target, target_agency, detail, client, prev_hash, hash) "
      "SELECT 4, ts, 'forger', agency, role, action, target, target_agency, detail, client, prev_hash, "
      "'0000000000000000000000000000000000000000000000000000000000000000' FROM audit WHERE id = 3"], 4, ""),
])
def test_tampering_is_found_at_the_first_bad_entry(home: Path, statements: list[str], bad_id: int,
                                                    words: str) -> None:
    path = _fill(home, 12)
    _tamper(path, *statements)
    code, report = _verify(home)
    assert code == 1 and report["ok"] is False
    assert report["first_bad"]["id"] == bad_id and words in report["first_bad"]["problem"], report
    text = run_records(["audit", "--verify"], records_env(home), check=False)
    assert text.returncode == 1 and f"audit log TAMPERED: entry {bad_id}" in text.stdout


def test_recomputing_one_hash_is_not_enough(home: Path) -> None:
    """A forger who edits entry 6 and recomputes its hash breaks the link of entry 7."""
    from catalog.audit import entry_hash

    path = _fill(home, 10)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM audit WHERE id = 6").fetchone())
    conn.close()
    row["user"] = "forger"
    _tamper(path, f"UPDATE audit SET user = 'forger', hash = '{entry_hash(row, row['prev_hash'])}' WHERE id = 6")
    code, report = _verify(home)
    assert code == 1 and report["first_bad"]["id"] == 7 and "link" in report["first_bad"]["problem"]


def test_concurrent_writers_keep_one_chain(home: Path) -> None:
    settings = Settings(home=home)
    cat = open_catalog(settings)

    def write(k: int) -> None:
        for i in range(40):
            append_audit(cat, user=f"t{k}", agency=None, action="view", target=f"doc{i}")

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    report = verify_chain(cat)
    cat.close()
    assert report.ok and report.checked == 160


def test_a_log_older_than_the_chain_is_accepted_and_continued(home: Path) -> None:
    settings = Settings(home=home)
    settings.catalog_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.catalog_path)  # the schema before the chain: no hash columns
    conn.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, user TEXT NOT NULL, "
                 "agency TEXT, role TEXT, action TEXT NOT NULL, target TEXT, target_agency TEXT, "
                 "detail TEXT NOT NULL DEFAULT '{}', client TEXT)")
    conn.execute("INSERT INTO audit(ts, user, action) VALUES ('2026-01-01T00:00:00+00:00', 'old', 'search')")
    conn.commit()
    conn.close()
    _fill(home, 3)
    code, report = _verify(home)
    assert code == 0 and report["checked"] == 4 and report["unchained"] == 1
