"""Disposition and a transfer package on the distributed backends (S3 store, Elasticsearch, no local files):
the same functions the command line and API call, run in-process against the real servers."""

from __future__ import annotations

import hashlib

import bagit
import pytest

from archives import disposition
from archives.dossiers import create_dossier, dossier_view
from archives.export import export_dossier
from archives.holds import set_hold
from archives.import_package import import_package
from archives.model import ArchiveConflict
from archives.placement import move_to_dossier
from archives.repository import get_dossier
from catalog import add_user, open_catalog
from changes.core import ChangeRefused, Editor
from conftest import need
from documents.access import LOCAL_ADMIN
from documents.model import manifest_key
from index.base import Access, SearchRequest
from search_api.testing import drop_test_backends, mode_settings, seed_document
from workers.backends import open_backends

pytestmark = pytest.mark.distributed


def test_disposition_and_transfer_on_s3_and_elasticsearch(tmp_path) -> None:
    need("RECORDS_TEST_ES_URL")
    settings = mode_settings("distributed", tmp_path / "src", redis_db=6)
    target_settings = mode_settings("distributed", tmp_path / "dst", redis_db=6)
    backends, target = open_backends(settings), open_backends(target_settings)
    cat = open_catalog(settings)
    try:
        users = {name: add_user(cat, name, "tinh-a", "admin")[0].principal for name in ("admin1", "admin2")}
        ed = {name: Editor(backends, cat, p, "test") for name, p in users.items()}
        local = Editor(backends, cat, LOCAL_ADMIN, "test")
        ids: dict[str, list[str]] = {}
        for code, retention in (("HS-P", "permanent"), ("HS-E", 3), ("HS-H", 3)):
            create_dossier(local, code, f"Hồ sơ {code}", "tinh-a", retention=retention, end_date="2015-06-30")
            ids[code] = []
            for n in range(2):
                m = seed_document(backends, agency="tinh-a", title=f"{code} {n}", pages=[f"zq{code[-1]}{n}mark"])
                move_to_dossier(local, m.id, code)
                ids[code].append(m.id)
        set_hold(ed["admin1"], "HS-H", "inspection")
        assert [v["code"] for v in disposition.due(local, "2026-01-01")] == ["HS-E", "HS-H"]
        with pytest.raises(ArchiveConflict):
            disposition.propose(ed["admin1"], ["HS-H"], "due")
        proposal = disposition.propose(ed["admin1"], ["HS-E"], "due")
        with pytest.raises(ChangeRefused):
            disposition.approve(ed["admin1"], proposal.id)
        before = {k: hashlib.sha256(backends.store.get_bytes(k)).hexdigest()
                  for d in ids["HS-E"] for k in backends.store.list(f"documents/{d}/")}
        record = disposition.approve(ed["admin2"], proposal.id)
        listed = {o["key"]: o["sha256"] for d in record["dossiers"] for doc in d["documents"] for o in doc["objects"]}
        assert listed == before
        assert record == disposition.get_record(ed["admin1"], record["id"])
        for d in ids["HS-E"]:
            assert list(backends.store.list(f"documents/{d}/")) == [] and backends.index.get(d) is None
        for d in ids["HS-P"] + ids["HS-H"]:
            assert backends.store.exists(manifest_key(d)) and backends.index.get(d) is not None

        # Transfer the permanent dossier from one S3 bucket + ES index to another.
        out = tmp_path / "bag"
        summary = export_dossier(local, "HS-P", out)
        assert sorted(summary.documents) == sorted(ids["HS-P"]) and bagit.Bag(str(out)).is_valid()
        result = import_package(Editor(target, cat, LOCAL_ADMIN, "test"), out)
        assert sorted(result.imported) == sorted(ids["HS-P"])
        for d in ids["HS-P"]:
            assert target.store.get_json(manifest_key(d)) == backends.store.get_json(manifest_key(d))
        assert dossier_view(target.store, get_dossier(target.store, "HS-P"))["document_count"] == 2
        found = target.index.search(SearchRequest(query="zqP0mark", access=Access(agency="tinh-a")))
        assert [h.id for h in found.hits] == [ids["HS-P"][0]]
    finally:
        cat.close()
        for b in (backends, target):
            drop_test_backends(b)
            b.close()
