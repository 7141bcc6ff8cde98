"""The HTTP API over real HTTP (uvicorn on loopback): search features, documents and downloads, visibility changes,
users, audit, errors. Runs against the embedded backends, and the distributed ones when the test servers are set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from catalog import add_user, list_audit, open_catalog
from documents.model import Manifest
from search_api.app import create_app
from search_api.testing import LiveServer, backend_modes, drop_test_backends, mode_settings, seed_document
from tests.conftest import records_env, run_records


@dataclass
class Api:
    url: str
    home: Path
    settings: object
    client: httpx.Client
    tokens: dict[str, str]
    docs: dict[str, Manifest]

    def get(self, user: str, path: str, **kw) -> httpx.Response:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kw)

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@pytest.fixture(scope="module", params=backend_modes())
def api(request, tmp_path_factory) -> Iterator[Api]:
    home = tmp_path_factory.mktemp(f"api-{request.param}")
    settings = mode_settings(request.param, home, redis_db=2)
    from workers.backends import open_backends

    backends = open_backends(settings)
    docs = {
        "decision": seed_document(backends, agency="so-a", title="Quyết định về ngân sách 2023", doc_type="decision",
                                  language="vie", issued_date="2023-06-01", doc_number="12/QĐ-UBND",
                                  pages=["QUYẾT ĐỊNH về việc phê duyệt ngân sách", "Người ký: Nguyễn Đức Thanh"]),
        "letter": seed_document(backends, agency="so-a", title="Công văn về ngân sách", doc_type="official_letter",
                                language="vie", issued_date="2024-02-10", pages=["Công văn ngân sách năm 2024"]),
        "urdu": seed_document(backends, agency="so-a", title="میونسپل نوٹس", doc_type="public_notice",
                              language="urd", issued_date="2023-11-20", pages=["میونسپل کمیٹی نوٹس ۲۰۲۳ ٹیکس"]),
        "b_public": seed_document(backends, agency="so-b", title="Public certificate", doc_type="certificate",
                                  visibility="public", issued_date="2022-01-05",
                                  pages=["Certificate of occupancy ngân sách"]),
        "b_private": seed_document(backends, agency="so-b", title="B private minutes", doc_type="meeting_minutes",
                                   pages=["Minutes ngân sách private to b"]),
    }
    for i in range(25):  # enough for paging
        docs[f"bulk{i}"] = seed_document(backends, agency="so-a", title=f"Report {i:02d}", doc_type="report",
                                         issued_date=f"20{10 + i:02d}-01-01", pages=[f"quarterly report number {i}"])
    cat = open_catalog(settings)
    tokens = {name: add_user(cat, name, agency, role)[1] for name, agency, role in [
        ("officer-a", "so-a", "officer"), ("admin-a", "so-a", "admin"), ("clerk-a", "so-a", "clerk"),
        ("officer-b", "so-b", "officer")]}
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        yield Api(server.url, home, settings, client, tokens, docs)
    drop_test_backends(backends)
    backends.close()


def test_health_readiness_and_openapi(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    ready = api.client.get("/ready").json()
    assert ready["status"] == "ready" and set(ready["checks"]) == {"catalog", "store", "index"}
    spec = api.client.get("/openapi.json").json()
    for path in ("/api/search", "/api/batches", "/api/batches/{batch_id}", "/api/documents/{doc_id}",
                 "/api/documents/{doc_id}/pages/{number}/image", "/api/documents/{doc_id}/pdf", "/api/audit"):
        assert path in spec["paths"], path
    assert api.client.get("/docs").status_code == 200


def test_search_highlights_pages_facets_and_folding(api: Api) -> None:
    body = api.get("officer-a", "/api/search", params={"q": "Nguyen Duc Thanh"}).json()
    assert [h["title"] for h in body["hits"]] == ["Quyết định về ngân sách 2023"]
    hit = body["hits"][0]
    assert hit["pages"] == [2] and any("<mark>" in s for s in hit["highlights"])
    body = api.get("officer-a", "/api/search", params={"q": "ngân sách"}).json()
    titles = {h["title"] for h in body["hits"]}
    assert titles == {"Quyết định về ngân sách 2023", "Công văn về ngân sách", "Public certificate"}
    assert body["facets"]["agency"] == {"so-a": 2, "so-b": 1}
    assert body["facets"]["doc_type"]["decision"] == 1
    urdu = api.get("officer-a", "/api/search", params={"q": "2023 ٹیکس"}).json()  # ۲۰۲۳ matches 2023
    assert [h["language"] for h in urdu["hits"]] == ["urd"]


def test_search_filters_paging_and_sort(api: Api) -> None:
    page1 = api.get("officer-a", "/api/search", params={"q": "report", "limit": 10, "sort": "date_desc"}).json()
    page3 = api.get("officer-a", "/api/search",
                    params={"q": "report", "limit": 10, "offset": 20, "sort": "date_desc"}).json()
    assert page1["total"] == page3["total"] == 25
    assert len(page1["hits"]) == 10 and len(page3["hits"]) == 5
    dates = [h["issued_date"] for h in page1["hits"]]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2034-01-01"
    assert not {h["id"] for h in page1["hits"]} & {h["id"] for h in page3["hits"]}
    ranged = api.get("officer-a", "/api/search", params={"q": "report", "from": "2015-01-01", "to": "31/12/2016"})
    assert sorted(h["issued_date"] for h in ranged.json()["hits"]) == ["2015-01-01", "2016-01-01"]
    typed = api.get("officer-a", "/api/search", params={"type": "certificate"}).json()
    assert [h["title"] for h in typed["hits"]] == ["Public certificate"]
    vie = api.get("officer-a", "/api/search", params={"q": "ngân sách", "lang": "vie", "agency": "so-a"}).json()
    assert vie["total"] == 2
    for bad, words in [({"limit": 0}, "limit"), ({"limit": 1000}, "limit"), ({"sort": "random"}, "sort"),
                       ({"from": "yesterday"}, "from"), ({"offset": -1}, "offset")]:
        r = api.get("officer-a", "/api/search", params={"q": "x", **bad})
        assert r.status_code == 422 and words in r.json()["error"]["message"], (bad, r.text)


def test_repeated_filters_are_ored_and_new_sorts(api: Api) -> None:
    both = api.client.get("/api/search?type=certificate&type=public_notice",
                          headers=api.auth("officer-a")).json()
    assert {h["doc_type"] for h in both["hits"]} == {"certificate", "public_notice"} and both["total"] == 2
    titled = api.get("officer-a", "/api/search", params={"q": "report", "sort": "title_asc", "limit": 3}).json()
    assert [h["title"] for h in titled["hits"]] == ["Report 00", "Report 01", "Report 02"]
    added = api.get("officer-a", "/api/search", params={"q": "report", "sort": "added_desc", "limit": 25}).json()
    assert added["total"] == 25 and len(added["hits"]) == 25
    # a clerk's own-agency limit still holds when another agency is among several asked for
    clerk = api.client.get("/api/search?agency=so-b&agency=so-a", headers=api.auth("clerk-a")).json()
    assert clerk["total"] > 0 and {h["agency"] for h in clerk["hits"]} == {"so-a"}


def test_saved_searches_count_new_matches_and_are_private(api: Api) -> None:
    saved = api.client.post("/api/saved-searches", json={"name": "Budget", "query": "q=ng%C3%A2n+s%C3%A1ch"},
                            headers=api.auth("officer-a"))
    assert saved.status_code == 201 and saved.json()["new"] == 0
    listed = api.get("officer-a", "/api/saved-searches").json()["saved"]
    assert [s["name"] for s in listed] == ["Budget"]
    assert api.get("officer-b", "/api/saved-searches").json()["saved"] == []
    sid = listed[0]["id"]
    assert api.client.delete(f"/api/saved-searches/{sid}", headers=api.auth("officer-b")).status_code == 404
    bad = api.client.post("/api/saved-searches", json={"name": "Bad", "query": "from=yesterday"},
                          headers=api.auth("officer-a"))
    assert bad.status_code == 422 and "from" in bad.json()["error"]["message"]
    assert api.client.delete(f"/api/saved-searches/{sid}", headers=api.auth("officer-a")).status_code == 200
    assert api.get("officer-a", "/api/saved-searches").json()["saved"] == []


def test_document_metadata_text_pages_and_downloads(api: Api) -> None:
    doc = api.docs["decision"]
    meta = api.get("officer-a", f"/api/documents/{doc.id}").json()
    assert meta["metadata"]["doc_number"] == "12/QĐ-UBND" and meta["agency"] == "so-a"
    assert meta["links"]["pages"][1]["image"] == f"/api/documents/{doc.id}/pages/2/image"
    text = api.get("officer-a", f"/api/documents/{doc.id}/text")
    assert "Nguyễn Đức Thanh" in text.text and text.headers["content-type"].startswith("text/plain")
    assert api.get("officer-a", f"/api/documents/{doc.id}/pages/2/text").text == "Người ký: Nguyễn Đức Thanh"
    image = api.get("officer-a", f"/api/documents/{doc.id}/pages/1/image")
    assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert api.get("officer-a", f"/api/documents/{doc.id}/pages/1/thumbnail").content.startswith(b"\xff\xd8")
    original = api.get("officer-a", f"/api/documents/{doc.id}/original")
    assert original.content.startswith(b"\x89PNG") and "attachment" in original.headers["content-disposition"]
    assert "filename*=UTF-8''Quy%E1%BA%BFt" in original.headers["content-disposition"]
    pdf = api.get("officer-a", f"/api/documents/{doc.id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    words = api.get("officer-a", f"/api/documents/{doc.id}/pages/2/words", params={"q": "nguyen duc"}).json()
    assert [b["text"] for b in words["highlights"]] == ["Nguyễn", "Đức"]
    assert all(0 <= b["left"] <= 100 and 0 < b["width"] < 100 for b in words["highlights"])
    missing = api.get("officer-a", f"/api/documents/{doc.id}/pages/3/image")
    assert missing.status_code == 404 and "has 2 pages" in missing.json()["error"]["message"]


def test_visibility_change_is_applied_everywhere_and_audited(api: Api) -> None:
    doc = api.docs["letter"]
    assert api.get("officer-b", f"/api/documents/{doc.id}").status_code == 404
    headers = {"Authorization": f"Bearer {api.tokens['officer-a']}"}
    bad = api.client.put(f"/api/documents/{doc.id}/visibility", json={"visibility": "shared"}, headers=headers)
    assert bad.status_code == 422 and "at least one other agency" in bad.json()["error"]["message"]
    r = api.client.put(f"/api/documents/{doc.id}/visibility", json={"visibility": "shared", "shared_with": ["so-b"]},
                       headers=headers)
    assert r.json() == {"id": doc.id, "visibility": "shared", "shared_with": ["so-b"]}
    assert api.get("officer-b", f"/api/documents/{doc.id}").status_code == 200
    found = api.get("officer-b", "/api/search", params={"q": "công văn"}).json()
    assert doc.id in {h["id"] for h in found["hits"]}
    assert api.get("officer-b", f"/api/documents/{doc.id}").json()["shared_with"] == []  # share list: owner only
    clerk = {"Authorization": f"Bearer {api.tokens['clerk-a']}"}
    assert api.client.put(f"/api/documents/{doc.id}/visibility", json={"visibility": "public"},
                          headers=clerk).status_code == 403
    back = api.client.put(f"/api/documents/{doc.id}/visibility", json={"visibility": "private"}, headers=headers)
    assert back.status_code == 200
    assert api.get("officer-b", f"/api/documents/{doc.id}").status_code == 404
    cat = open_catalog(api.settings)
    changes = list_audit(cat, action="visibility", target=doc.id)
    assert [(e.detail["before"]["visibility"], e.detail["after"]["visibility"]) for e in changes] == [
        ("shared", "private"), ("private", "shared")]
    assert changes[0].user == "officer-a" and changes[0].agency == "so-a"


def test_every_read_is_audited_and_the_log_is_read_only(api: Api) -> None:
    doc = api.docs["urdu"]
    api.get("officer-a", "/api/search", params={"q": "نوٹس", "type": "public_notice"})
    api.get("officer-a", f"/api/documents/{doc.id}")
    api.get("officer-a", f"/api/documents/{doc.id}/original")
    api.get("officer-a", f"/api/documents/{doc.id}/pages/1/image")
    api.get("officer-b", f"/api/documents/{doc.id}")  # denied
    log = api.get("admin-a", "/api/audit", params={"user": "officer-a", "limit": 1000}).json()["entries"]
    actions = {(e["action"], e["target"]) for e in log}
    assert {("view", doc.id), ("download", doc.id), ("page", doc.id)} <= actions
    search = next(e for e in log if e["action"] == "search" and e["detail"].get("q") == "نوٹس")
    assert search["detail"]["filters"] == {"doc_type": "public_notice"} and search["agency"] == "so-a"
    denied = api.get("admin-a", "/api/audit", params={"action": "denied", "target": doc.id}).json()["entries"]
    assert denied and denied[0]["user"] == "officer-b" and denied[0]["target_agency"] == "so-a"
    admin = {"Authorization": f"Bearer {api.tokens['admin-a']}"}
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert api.client.request(method, "/api/audit", headers=admin).status_code == 405
    assert api.get("officer-a", "/api/audit").status_code == 403
    out = run_records(["audit", "--user", "officer-b", "--action", "denied", "--json"],
                      records_env(api.home)).stdout.splitlines()
    assert json.loads(out[0])["target"] == doc.id


def test_admin_manages_users_of_own_agency(api: Api) -> None:
    admin = {"Authorization": f"Bearer {api.tokens['admin-a']}"}
    created = api.client.post("/api/users", json={"name": "new-officer", "role": "officer"}, headers=admin)
    assert created.status_code == 201 and created.json()["agency"] == "so-a"
    token = created.json()["token"]
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"name": "new-officer", "agency": "so-a", "role": "officer"}
    assert api.client.post("/api/users", json={"name": "x", "role": "root"}, headers=admin).status_code == 422
    assert api.client.post("/api/users", json={"name": "new-officer", "role": "clerk"},
                           headers=admin).status_code == 422
    officer = {"Authorization": f"Bearer {api.tokens['officer-a']}"}
    assert api.client.post("/api/users", json={"name": "y", "role": "admin"}, headers=officer).status_code == 403
    rotated = api.client.post("/api/users/new-officer/token", headers=admin).json()["token"]
    assert api.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert api.client.get("/api/me", headers={"Authorization": f"Bearer {rotated}"}).status_code == 200
    assert api.client.post("/api/users/officer-b/token", headers=admin).status_code == 404  # another agency's
    assert api.client.post("/api/users/new-officer/token", headers=officer).status_code == 403
    assert api.client.delete("/api/users/new-officer", headers=admin).json()["disabled"] is True
    assert api.client.get("/api/me", headers={"Authorization": f"Bearer {rotated}"}).status_code == 401


def test_errors_are_json_with_actionable_messages(api: Api) -> None:
    r = api.client.get("/api/search")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in r.json()["error"]["message"]
    r = api.client.get("/api/search", headers={"Authorization": "Token abc"})
    assert r.status_code == 401 and "Bearer TOKEN" in r.json()["error"]["message"]
    r = api.get("officer-a", "/api/nowhere")
    assert r.status_code == 404 and "/docs" in r.json()["error"]["message"]
    r = api.client.post("/api/batches", headers={"Authorization": f"Bearer {api.tokens['clerk-a']}"},
                        content=b"{}", )
    assert r.status_code == 415 and "multipart/form-data" in r.json()["error"]["message"]
    r = api.get("officer-a", "/api/documents/abc/pages/two/image")
    assert r.status_code == 422 and "number" in r.json()["error"]["message"]


def test_metrics_endpoint_speaks_prometheus_text(api: Api) -> None:
    r = api.client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert "# TYPE records_documents gauge" in lines
    documents = {line.split("} ")[0]: float(line.split("} ")[1]) for line in lines
                 if line.startswith("records_documents{")}
    if not api.settings.distributed_queue:  # embedded counts the store; RQ counts what its workers finished
        assert sum(documents.values()) == len(api.docs)
    else:
        assert any(line.startswith("records_queue_depth{") for line in lines)
    assert any(line.startswith("records_pages_per_minute{") for line in lines)
    assert "so-a" not in r.text and "Nguyễn" not in r.text  # aggregates only
