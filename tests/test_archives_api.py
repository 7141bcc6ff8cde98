"""The archival lifecycle over real HTTP and in the web UI (embedded backends): fonds and dossiers by role,
moving documents into dossiers as revisions, legal holds, disposition by two administrators, destruction records,
and the dossier and disposition screens in Vietnamese and English with CSRF-checked forms."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.auth import csrf_token
from search_api.testing import LiveServer, seed_document
from settings import Settings
from workers.backends import open_backends


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[httpx.Client, dict[str, str], dict]]:
    settings = Settings(home=tmp_path_factory.mktemp("archives-api"), workers=1)
    backends = open_backends(settings)
    docs = {
        "a1": seed_document(backends, agency="tinh-a", title="Quyết định giao đất", pages=["zqaonemark đất"],
                            issued_date="2010-05-01"),
        "a2": seed_document(backends, agency="tinh-a", title="Tờ trình", pages=["zqatwomark"],
                            issued_date="2010-06-01"),
        "b1": seed_document(backends, agency="tinh-b", title="Công văn B", pages=["zqbonemark"]),
        "pub": seed_document(backends, agency="tinh-a", title="Thông báo công khai", visibility="public",
                             pages=["zqpubmark page one", "page two"]),
    }
    cat = open_catalog(settings)
    tokens = {name: add_user(cat, name, agency, role)[1] for name, agency, role in (
        ("admin1", "tinh-a", "admin"), ("admin2", "tinh-a", "admin"), ("officer-a", "tinh-a", "officer"),
        ("clerk-a", "tinh-a", "clerk"), ("officer-b", "tinh-b", "officer"), ("admin-b", "tinh-b", "admin"))}
    cat.close()
    app = create_app(settings, backends=backends)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client, tokens, docs
    backends.close()


def _h(tokens, user):
    return {"Authorization": f"Bearer {tokens[user]}"}


def test_dossier_lifecycle_over_the_api(site) -> None:
    client, tokens, docs = site
    h = lambda user: _h(tokens, user)  # noqa: E731
    assert client.post("/api/fonds", json={"code": "UB-A", "name": "UBND A"}, headers=h("officer-a")).status_code == 403
    r = client.post("/api/fonds", json={"code": "UB-A", "name": "UBND tỉnh A"}, headers=h("admin1"))
    assert r.status_code == 201 and r.json()["agency"] == "tinh-a"
    assert client.post("/api/fonds", json={"code": "UB-A", "name": "x"}, headers=h("admin1")).status_code == 422
    assert [f["code"] for f in client.get("/api/fonds", headers=h("clerk-a")).json()["fonds"]] == ["UB-A"]
    assert client.get("/api/fonds", headers=h("officer-b")).json()["fonds"] == []

    new = {"code": "HS-01", "title": "Hồ sơ giao đất", "fonds": "UB-A", "retention": 5, "access_level": "public",
           "keywords": ["đất"], "end_date": "2010-12-31"}
    assert client.post("/api/dossiers", json=new, headers=h("clerk-a")).status_code == 403
    bad = client.post("/api/dossiers", json={**new, "retention": "forever"}, headers=h("officer-a"))
    assert bad.status_code == 422 and "permanent" in bad.json()["error"]["message"]
    bad = client.post("/api/dossiers", json={**new, "start_date": "2011-01-01"}, headers=h("officer-a"))
    assert bad.status_code == 422 and "after" in bad.json()["error"]["message"]
    created = client.post("/api/dossiers", json=new, headers=h("officer-a"))
    assert created.status_code == 201, created.text
    assert created.json()["expires_on"] == "2016-01-01" and created.json()["retention_source"] == "edited"
    inner = client.post("/api/dossiers", json={"code": "HS-02", "title": "Nội bộ", "retention": "permanent"},
                        headers=h("officer-a"))
    assert inner.status_code == 201 and inner.json()["access_level"] == "internal"

    # Visibility: public dossiers for officers elsewhere, internal ones for the agency only, clerks their own.
    assert client.get("/api/dossiers/HS-01", headers=h("officer-b")).status_code == 200
    assert client.get("/api/dossiers/HS-02", headers=h("officer-b")).status_code == 404
    assert client.get("/api/dossiers/HS-01", headers=h("clerk-a")).status_code == 200
    listed = {d["code"] for d in client.get("/api/dossiers", headers=h("officer-b")).json()["dossiers"]}
    assert listed == {"HS-01"}
    found = client.get("/api/dossiers", params={"q": "GIAO DAT"}, headers=h("officer-a")).json()["dossiers"]
    assert [d["code"] for d in found] == ["HS-01"]
    # The agency's schedule gives new dossiers their retention.
    rule = {"dossier": "HS-TD-*", "period": 10}
    assert client.put("/api/retention", json=rule, headers=h("officer-a")).status_code == 403
    assert client.put("/api/retention", json=rule, headers=h("admin1")).json()["dossiers"] == {"HS-TD-*": 10}
    assert client.get("/api/retention", headers=h("clerk-a")).json()["dossiers"] == {"HS-TD-*": 10}
    assert client.get("/api/retention", headers=h("officer-b")).json()["dossiers"] == {}
    scheduled = client.post("/api/dossiers", json={"code": "HS-TD-1", "title": "Theo danh mục"},
                            headers=h("officer-a")).json()
    assert scheduled["retention"] == 10 and scheduled["retention_source"] == "schedule"
    assert client.patch("/api/dossiers/HS-01", json={"title": "x"}, headers=h("officer-b")).status_code == 403

    # Moving documents into the dossier is a revision of each document; another agency's document is refused.
    for key in ("a1", "a2"):
        r = client.put(f"/api/documents/{docs[key].id}/dossier", json={"dossier": "HS-01"}, headers=h("officer-a"))
        assert r.status_code == 200 and r.json()["dossier"] == "HS-01"
    doc = client.get(f"/api/documents/{docs['a1'].id}", headers=h("officer-a")).json()
    assert doc["dossier"] == "HS-01" and doc["revisions"][-1]["action"] == "dossier"
    assert client.put(f"/api/documents/{docs['b1'].id}/dossier", json={"dossier": "HS-01"},
                      headers=h("officer-a")).status_code == 404
    r = client.put(f"/api/documents/{docs['a1'].id}/access-level", json={"access_level": "restricted"},
                   headers=h("officer-a"))
    assert r.status_code == 200 and r.json()["access_level"] == "restricted"
    view = client.get("/api/dossiers/HS-01", headers=h("officer-a")).json()
    assert view["document_count"] == 2 and view["documents"] == [docs["a1"].id, docs["a2"].id]
    hits = client.get("/api/search", params={"dossier": "HS-01"}, headers=h("officer-a")).json()
    assert hits["total"] == 2
    edited = client.patch("/api/dossiers/HS-01", json={"title": "Hồ sơ giao đất 2010"}, headers=h("officer-a"))
    assert edited.status_code == 200 and edited.json()["title"] == "Hồ sơ giao đất 2010"

    # Legal hold and disposition.
    assert client.post("/api/dossiers/HS-01/hold", json={"reason": "x"}, headers=h("officer-a")).status_code == 403
    held = client.post("/api/dossiers/HS-01/hold", json={"reason": "court request 7/2026"}, headers=h("admin1"))
    assert held.status_code == 200 and held.json()["state"] == "held"
    assert client.get("/api/disposition", headers=h("officer-a")).status_code == 403
    due = client.get("/api/disposition", params={"due_before": "2026-12-31"}, headers=h("admin1")).json()["dossiers"]
    assert [d["code"] for d in due] == ["HS-01"] and due[0]["legal_hold"]
    r = client.post("/api/disposition/proposals", json={"dossiers": ["HS-01"], "reason": "due"}, headers=h("admin1"))
    assert r.status_code == 409 and "legal hold" in r.json()["error"]["message"]
    assert client.post("/api/dossiers/HS-01/unhold", json={"reason": "case closed"},
                       headers=h("admin1")).status_code == 200
    r = client.post("/api/disposition/proposals", json={"dossiers": ["HS-02"], "reason": "r"}, headers=h("admin1"))
    assert r.status_code == 409 and "permanently" in r.json()["error"]["message"]
    proposal = client.post("/api/disposition/proposals", json={"dossiers": ["HS-01"], "reason": "due"},
                           headers=h("admin1"))
    assert proposal.status_code == 201
    pid = proposal.json()["id"]
    self_approval = client.post(f"/api/disposition/proposals/{pid}/approve", json={}, headers=h("admin1"))
    assert self_approval.status_code == 403 and "second administrator" in self_approval.json()["error"]["message"]
    assert client.post(f"/api/disposition/proposals/{pid}/approve", json={}, headers=h("admin-b")).status_code == 404
    assert client.post(f"/api/disposition/proposals/{pid}/approve", json={},
                       headers=h("officer-a")).status_code == 403
    record = client.post(f"/api/disposition/proposals/{pid}/approve", json={"note": "ok"}, headers=h("admin2"))
    assert record.status_code == 200, record.text
    rec = record.json()
    assert rec["approved_by"] == "admin2" and rec["object_count"] > 10
    assert client.get(f"/api/documents/{docs['a1'].id}", headers=h("officer-a")).status_code == 404
    assert client.get(f"/api/destructions/{rec['id']}", headers=h("admin1")).json() == rec
    assert client.get(f"/api/destructions/{rec['id']}", headers=h("admin-b")).status_code == 404
    assert client.get("/api/search", params={"q": "zqaonemark"}, headers=h("officer-a")).json()["total"] == 0
    tomb = client.get("/api/search", params={"q": "HS-01"}, headers=h("officer-b")).json()
    assert [hit["title"] for hit in tomb["hits"]] == ["[destroyed] Hồ sơ giao đất 2010"]
    assert client.get("/api/search", params={"q": "zqbonemark"}, headers=h("admin-b")).json()["total"] == 1


def test_dossier_and_disposition_screens(site) -> None:
    client, tokens, _ = site
    client.post("/api/dossiers", json={"code": "HS-UI", "title": "Hồ sơ thử giao diện", "retention": 2,
                                       "end_date": "2001-03-01"}, headers=_h(tokens, "officer-a"))
    cookie = {"Cookie": f"records_token={tokens['officer-a']}", "Accept": "text/html"}
    page = client.get("/dossiers", headers=cookie)
    assert page.status_code == 200 and "Hồ sơ thử giao diện" in page.text and "Hồ sơ lưu trữ" in page.text
    en = client.get("/dossiers/HS-UI", headers={**cookie, "Cookie": cookie["Cookie"] + "; records_lang=en"})
    assert "Retention" in en.text and "2 years" in en.text and "Edit dossier" in en.text
    # A form without the page's CSRF token is refused; with it, the edit is saved.
    assert client.post("/dossiers/HS-UI", data={"title": "x"}, headers=cookie).status_code == 403
    saved = client.post("/dossiers/HS-UI", data={"csrf": csrf_token(tokens["officer-a"]), "title": "Hồ sơ mới",
                                                  "retention": "3", "access_level": "internal", "end_date": ""},
                        headers=cookie)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"], headers=cookie)
    assert "Hồ sơ mới" in page.text and "3 năm" in page.text and "Đã lưu." in page.text
    assert client.get("/disposition", headers=cookie).status_code == 403
    admin = {"Cookie": f"records_token={tokens['admin1']}", "Accept": "text/html"}
    # No end date any more: the dossier's date comes from its documents (none), so it is not due.
    screen = client.get("/disposition", headers=admin)
    assert screen.status_code == 200 and "Tiêu hủy hồ sơ" in screen.text and 'data-code="HS-UI"' not in screen.text
    client.patch("/api/dossiers/HS-UI", json={"end_date": "2001-03-01"}, headers=_h(tokens, "officer-a"))
    screen = client.get("/disposition", headers=admin)
    assert 'data-code="HS-UI"' in screen.text
    csrf = csrf_token(tokens["admin1"])
    proposed = client.post("/disposition/propose", data={"csrf": csrf, "dossier": "HS-UI", "reason": "hết hạn"},
                           headers=admin)
    assert proposed.status_code == 303
    pid = re.search(r"done=([^&]+)", proposed.headers["location"]).group(1)
    mine = client.get("/disposition", headers=admin).text
    assert f'data-proposal="{pid}"' in mine and "cần quản trị viên khác" in mine
    other = {"Cookie": f"records_token={tokens['admin2']}", "Accept": "text/html"}
    approved = client.post(f"/disposition/{pid}/approve", data={"csrf": csrf_token(tokens["admin2"])}, headers=other)
    assert approved.status_code == 303
    after = client.get("/dossiers/HS-UI", headers=cookie)
    assert "đã tiêu hủy" in after.text and 'id="edit-dossier"' not in after.text


def test_users_of_other_agencies_get_stamped_copies_never_the_original(site) -> None:
    import io

    import pypdfium2 as pdfium

    client, tokens, docs = site
    doc = docs["pub"]
    own = client.get(f"/api/documents/{doc.id}/original", headers=_h(tokens, "officer-a"))
    assert own.status_code == 200 and own.content.startswith(b"\x89PNG") and "X-Records-Copy" not in own.headers
    for path in ("original", "pdf"):
        copy = client.get(f"/api/documents/{doc.id}/{path}", headers=_h(tokens, "officer-b"))
        assert copy.status_code == 200 and copy.headers["content-type"] == "application/pdf"
        assert copy.headers["x-records-copy"] == "stamped" and ".copy.pdf" in copy.headers["content-disposition"]
        assert copy.content != own.content
        pdf = pdfium.PdfDocument(io.BytesIO(copy.content))
        assert len(pdf) == 2
        for page in pdf:
            text = page.get_textpage().get_text_range()
            assert "COPY - BAN SAO" in text and "issued to officer-b (tinh-b) on" in text, text
    entries = client.get("/api/audit", params={"target": doc.id, "action": "download"},
                         headers=_h(tokens, "admin1")).json()["entries"]
    whats = {(e["user"], e["detail"].get("what")) for e in entries}
    assert {("officer-a", "original"), ("officer-b", "copy")} <= whats
    assert any(e["detail"].get("requested") == "original" and e["detail"].get("stamped_for", "").startswith(
        "officer-b (tinh-b)") for e in entries)
