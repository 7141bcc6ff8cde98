"""Disposition end to end through the real command line: a fonds with three dossiers (permanent; expired;
expired under legal hold), a proposal by one administrator, a refused self-approval, approval by a second
administrator of the same agency. Only the expired, unheld dossier is destroyed; its objects leave the store and
the index; the destruction record names every destroyed object with its sha256; the other two stay whole."""

from __future__ import annotations

import hashlib
import json

import pytest

from conftest import records_env, run_records
from documents.model import manifest_key
from search_api.testing import drop_test_backends, mode_settings, seed_document, settings_env
from workers.backends import open_backends

AGENCY = "tinh-a"


def _objects(store, doc_id: str) -> dict[str, str]:
    return {k: hashlib.sha256(store.get_bytes(k)).hexdigest() for k in store.list(f"documents/{doc_id}/")}


def _cli(env, *args: str, check: bool = True):
    return run_records(list(args), env, check=check, timeout=120)


def _json(env, *args: str):
    return json.loads(_cli(env, *args, "--json").stdout)


def _search(env, user: str, query: str) -> dict:
    return _json(env, "search", query, "--as", user, "--limit", "50")


@pytest.mark.parametrize("mode", ["embedded"])  # distributed: see test_archives_distributed.py
def test_two_admin_disposition_destroys_only_the_expired_unheld_dossier(mode, tmp_path) -> None:
    home = tmp_path / "home"
    settings = mode_settings(mode, home, redis_db=5)
    backends = open_backends(settings)
    docs: dict[str, list[str]] = {"PERM": [], "EXP": [], "HELD": []}
    for dossier, count in (("PERM", 2), ("EXP", 2), ("HELD", 1)):
        for n in range(count):
            m = seed_document(backends, agency=AGENCY, visibility="public", issued_date=f"2012-0{n + 1}-10",
                              title=f"{dossier} letter {n}", doc_type="official_letter",
                              pages=[f"zq{dossier.lower()}{n}mark land allocation", "second page"])
            docs[dossier].append(m.id)
    other = seed_document(backends, agency="tinh-b", title="other agency", pages=["zqothermark"])
    backends.close()
    env = records_env(home, **settings_env(settings))
    try:
        for name, agency, role in (("admin1", AGENCY, "admin"), ("admin2", AGENCY, "admin"),
                                   ("officer1", AGENCY, "officer"), ("admin-b", "tinh-b", "admin")):
            _cli(env, "users", "add", name, "--agency", agency, "--role", role)
        _cli(env, "fonds", "add", "UBND-A", "--name", "Ủy ban nhân dân tỉnh A", "--as", "admin1")
        assert [f["code"] for f in _json(env, "fonds", "list", "--as", "officer1")] == ["UBND-A"]
        for code, retention in (("HS-PERM", "permanent"), ("HS-EXP", "5"), ("HS-HELD", "5")):
            _cli(env, "dossier", "create", code, "--title", f"Hồ sơ {code}", "--fonds", "UBND-A", "--retention",
                 retention, "--access-level", "public", "--as", "officer1")
            _cli(env, "dossier", "add", code, *docs[code[3:]], "--as", "officer1")
        shown = _json(env, "dossier", "show", "HS-EXP")
        assert shown["document_count"] == 2 and shown["end_date"] == "2012-02-10"
        assert shown["expires_on"] == "2018-01-01" and shown["fonds"] == "UBND-A"
        # Moving a document into a dossier is a revision of its manifest.
        moved = _json(env, "show", docs["EXP"][0])
        assert moved["dossier"] == "HS-EXP" and moved["revisions"][-1]["after"] == "HS-EXP"

        _cli(env, "hold", "HS-HELD", "--reason", "land dispute case 12/2025", "--as", "admin1")
        due = {v["code"]: v for v in _json(env, "disposition", "list", "--due-before", "2026-01-01")}
        assert set(due) == {"HS-EXP", "HS-HELD"}, due.keys()
        assert due["HS-HELD"]["legal_hold"]["reason"] == "land dispute case 12/2025"
        assert _json(env, "disposition", "list", "--due-before", "2017-12-31") == []

        refused = _cli(env, "disposition", "propose", "HS-HELD", "--reason", "expired", "--as", "admin1",
                       check=False)
        assert refused.returncode == 2 and "legal hold" in refused.stderr
        refused = _cli(env, "disposition", "propose", "HS-PERM", "--reason", "x", "--as", "admin1", check=False)
        assert refused.returncode == 2 and "permanently" in refused.stderr
        refused = _cli(env, "disposition", "propose", "HS-EXP", "--reason", "x", "--as", "officer1", check=False)
        assert refused.returncode == 2 and "administrator" in refused.stderr
        proposal = _json(env, "disposition", "propose", "HS-EXP", "--reason", "appraisal council minutes 3/2026",
                         "--as", "admin1")
        assert proposal["status"] == "pending" and proposal["dossiers"] == ["HS-EXP"]

        # Nobody approves their own proposal; nor the anonymous local administrator; nor another agency.
        for who in (["--as", "admin1"], [], ["--as", "admin-b"], ["--as", "officer1"]):
            refused = _cli(env, "disposition", "approve", proposal["id"], *who, check=False)
            assert refused.returncode == 2, who
        assert "second administrator" in _cli(env, "disposition", "approve", proposal["id"], "--as", "admin1",
                                              check=False).stderr
        for ids in docs.values():  # nothing destroyed yet
            for d in ids:
                assert _json(env, "show", d)["id"] == d

        store = open_backends(settings).store
        before = {d: _objects(store, d) for ids in docs.values() for d in ids}
        record = _json(env, "disposition", "approve", proposal["id"], "--as", "admin2")
        assert record["proposed_by"] == "admin1" and record["approved_by"] == "admin2"
        assert [d["code"] for d in record["dossiers"]] == ["HS-EXP"]
        listed = {o["key"]: o["sha256"] for d in record["dossiers"] for doc in d["documents"] for o in doc["objects"]}
        expected = {k: v for d in docs["EXP"] for k, v in before[d].items()}
        assert listed == expected  # every object of the destroyed documents, with the sha256 of its bytes
        assert record["object_count"] == len(expected) > 10
        kept = _json(env, "disposition", "record", record["id"], "--as", "admin1")
        assert kept == record

        backends = open_backends(settings)
        try:
            for d in docs["EXP"]:
                assert list(backends.store.list(f"documents/{d}/")) == []
                assert backends.index.get(d) is None
            for d in docs["PERM"] + docs["HELD"]:
                assert _objects(backends.store, d) == before[d]
                assert backends.index.get(d) is not None
            assert backends.store.exists(manifest_key(other.id))
        finally:
            backends.close()
        for n in range(2):
            assert _search(env, "officer1", f"zqexp{n}mark")["total"] == 0
            assert _search(env, "officer1", f"zqperm{n}mark")["total"] == 1
        assert _search(env, "officer1", "zqheld0mark")["total"] == 1
        # A tombstone tells users who may see the dossier that it existed and was destroyed, and under which record.
        tomb = _search(env, "officer1", "HS-EXP destroyed")
        assert [h["title"] for h in tomb["hits"]][:1] == ["[destroyed] Hồ sơ HS-EXP"]
        _cli(env, "reindex")  # the index is derived: tombstones come back from the dossier records
        assert [h["title"] for h in _search(env, "officer1", "HS-EXP destroyed")["hits"]][:1] == \
            ["[destroyed] Hồ sơ HS-EXP"]
        assert _search(env, "officer1", "zqexp0mark")["total"] == 0
        assert _json(env, "dossier", "show", "HS-EXP")["state"] == "destroyed"
        refused = _cli(env, "show", docs["EXP"][0], check=False)
        assert refused.returncode == 2

        # The hold is lifted with a reason; then the held dossier may be proposed.
        _cli(env, "unhold", "HS-HELD", "--reason", "case closed", "--as", "admin1")
        assert _json(env, "disposition", "propose", "HS-HELD", "--reason", "r", "--as", "admin2")["status"] == \
            "pending"
        entries = [json.loads(line) for line in _cli(env, "audit", "--json", "--limit", "500").stdout.splitlines()
                   if line.strip()]
        done = {(e["action"], e["user"]) for e in entries}
        assert {("dossier.hold", "admin1"), ("dossier.unhold", "admin1"), ("disposition.propose", "admin1"),
                ("disposition.approve", "admin2"), ("destroy", "admin2")} <= done
        assert any(e["action"] == "denied" and e["user"] == "admin1" and e["detail"].get("why") == "self-approval"
                   for e in entries)
    finally:
        if mode == "distributed":
            backends = open_backends(settings)
            drop_test_backends(backends)
            backends.close()
