"""The access-control matrix over real HTTP: three agencies, private / shared / public documents, every endpoint x
every role x every agency, plus hostile inputs. Every response that reveals a document the caller may not see is a
leak; every refusal of one the caller may see is a wrong denial. Both are counted, printed, and must be zero."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from catalog import add_user, disable_user, open_catalog
from catalog.batches import create_batch
from changes.marks import sync as sync_marks
from documents.model import Manifest, PageFlag
from search_api.app import create_app
from search_api.config import ApiLimits
from search_api.testing import LiveServer, backend_modes, drop_test_backends, mode_settings, seed_document
from workers.pipeline import save_manifest

AGENCIES = ("tinh-a", "tinh-b", "tinh-c")
ROLES = ("clerk", "officer", "admin")
# (key, owner, visibility, shared_with): a marker word per document makes each one findable on its own.
DOCS = [
    ("a_private", "tinh-a", "private", []),
    ("a_shared_b", "tinh-a", "shared", ["tinh-b"]),
    ("a_public", "tinh-a", "public", []),
    ("b_private", "tinh-b", "private", []),
    ("b_shared_ac", "tinh-b", "shared", ["tinh-a", "tinh-c"]),
    ("c_private", "tinh-c", "private", []),
    ("c_public", "tinh-c", "public", []),
]
DOC_ENDPOINTS = ("", "/text", "/original", "/pdf", "/pages/1/image", "/pages/1/thumbnail", "/pages/1/text",
                 "/pages/1/words?q=budget")


def marker(key: str) -> str:
    return "zq" + key.replace("_", "") + "mark"


def expected_visible(agency: str, role: str, doc: Manifest) -> bool:
    """The oracle, written independently of the server: clerks see their agency's documents; others also see
    public ones and those shared with their agency."""
    if role == "clerk":
        return doc.agency == agency
    return doc.agency == agency or doc.visibility == "public" or (
        doc.visibility == "shared" and agency in doc.shared_with)


@dataclass
class World:
    url: str
    tokens: dict[tuple[str, str], str]
    docs: dict[str, Manifest]
    batches: dict[str, str]
    disabled_token: str
    client: httpx.Client
    checks: int = 0
    leaks: list[str] = field(default_factory=list)
    wrong_denials: list[str] = field(default_factory=list)

    def get(self, token: str | None, path: str, **kw) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(path, headers=headers, **kw)

    def expect(self, visible: bool, response: httpx.Response, what: str, secrets: list[str]) -> None:
        """A visible resource must answer 200; a hidden one 404 and nothing that names it."""
        self.checks += 1
        if visible and response.status_code != 200:
            self.wrong_denials.append(f"{what}: {response.status_code} {response.text[:200]}")
        if not visible:
            body = response.text
            if response.status_code != 404 or any(s in body for s in secrets):
                self.leaks.append(f"{what}: {response.status_code} {body[:200]}")


@pytest.fixture(scope="module", params=backend_modes())
def world(request, tmp_path_factory) -> Iterator[World]:
    settings = mode_settings(request.param, tmp_path_factory.mktemp(f"acl-{request.param}"), redis_db=1)
    from workers.backends import open_backends

    backends = open_backends(settings)
    docs = {}
    for key, owner, visibility, shared in DOCS:
        docs[key] = seed_document(backends, agency=owner, visibility=visibility, shared_with=shared,
                                  title=f"Title {key}", doc_type="decision" if owner == "tinh-a" else "notice",
                                  pages=[f"{marker(key)} budget report of {owner}", "second page agency:tinh-a"])
        # every page 1 is flagged blurred, for the review queue
        docs[key].pages[0].flags = [PageFlag(kind="rescan", reason="blurred", detail="sharpness 0.2")]
        save_manifest(backends, docs[key])
        sync_marks(backends.store, docs[key])
    cat = open_catalog(settings)
    tokens = {(a, r): add_user(cat, f"{r}-{a}", a, r)[1] for a in AGENCIES for r in ROLES}
    _, disabled = add_user(cat, "gone-tinh-a", "tinh-a", "admin")
    disable_user(cat, "gone-tinh-a")
    batches = {}
    for a in AGENCIES:
        batches[a] = f"20260101T000000-{a[-1]}{a[-1]}{a[-1]}{a[-1]}0000"
        create_batch(cat, batches[a], a, f"clerk-{a}", {"visibility": "private"}, [("scan.png", 10)])
    cat.close()
    app = create_app(settings, backends=backends,
                     limits=ApiLimits(max_files=3, max_file_bytes=200_000, max_batch_bytes=400_000))
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        w = World(server.url, tokens, docs, batches, disabled, client)
        yield w
        line = (f"[{request.param}] access matrix: {w.checks} checks, {len(w.leaks)} leaks, "
                f"{len(w.wrong_denials)} wrong denials")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():  # shown in every run, not only with -s
            print(f"\n{line}")
    drop_test_backends(backends)
    backends.close()


def _secrets(doc: Manifest) -> list[str]:
    return [doc.id, doc.metadata.title or "", marker_of(doc)]


def marker_of(doc: Manifest) -> str:
    return next(marker(k) for k, *_ in DOCS if f"Title {k}" == doc.metadata.title)


def test_every_document_endpoint_for_every_role_and_agency(world: World) -> None:
    for (agency, role), token in world.tokens.items():
        for doc in world.docs.values():
            visible = expected_visible(agency, role, doc)
            for suffix in DOC_ENDPOINTS:
                r = world.get(token, f"/api/documents/{doc.id}{suffix}")
                world.expect(visible, r, f"{role}@{agency} GET {doc.metadata.title}{suffix}", _secrets(doc))
            # The web UI's document page, signed in with the session cookie.
            r = world.client.get(f"/documents/{doc.id}?q=budget", headers={"Cookie": f"records_token={token}",
                                                                            "Accept": "text/html"})
            world.expect(visible, r, f"{role}@{agency} UI page {doc.metadata.title}", _secrets(doc)[1:])
    assert not world.leaks, "\n".join(world.leaks[:20])
    assert not world.wrong_denials, "\n".join(world.wrong_denials[:20])


def test_no_token_bad_token_disabled_user_get_401_everywhere(world: World) -> None:
    doc = world.docs["a_public"]
    paths = ["/api/search?q=budget", "/api/me", "/api/audit", "/api/users", f"/api/batches/{world.batches['tinh-a']}",
             *[f"/api/documents/{doc.id}{s}" for s in DOC_ENDPOINTS]]
    bad = {"none": {}, "garbage": {"Authorization": "Bearer rec_not-a-real-token"},
           "basic": {"Authorization": "Basic YWRtaW46YWRtaW4="},
           "disabled": {"Authorization": f"Bearer {world.disabled_token}"}}
    for label, headers in bad.items():
        for path in paths:
            r = world.client.get(path, headers=headers)
            world.checks += 1
            if r.status_code != 401 or doc.id in r.text.replace(path, "") or "budget report" in r.text:
                world.leaks.append(f"{label} {path}: {r.status_code}")
            assert r.json()["error"]["message"]
        r = world.client.post("/api/batches", headers=headers, files={"files": ("x.png", b"x")})
        assert r.status_code == 401
    assert not world.leaks, "\n".join(world.leaks)


def _search(world: World, token: str, **params) -> dict:
    r = world.get(token, "/api/search", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_search_results_and_facet_counts_cover_only_visible_documents(world: World) -> None:
    for (agency, role), token in world.tokens.items():
        expected = {d.id for d in world.docs.values() if expected_visible(agency, role, d)}
        for params in ({"q": ""}, {"q": "budget"}, {"q": "budget", "limit": 2, "offset": 2}, {"q": "report", "sort":
                       "date_desc"}):
            body = _search(world, token, **params)
            ids = {h["id"] for h in body["hits"]}
            world.checks += 1
            if body["total"] != len(expected) or not ids <= expected:
                world.leaks.append(f"{role}@{agency} search {params}: total {body['total']} ids {ids - expected}")
            counts = body["facets"].get("agency", {})
            want = {}
            for d in world.docs.values():
                if d.id in expected:
                    want[d.agency] = want.get(d.agency, 0) + 1
            world.checks += 1
            if {k: v for k, v in counts.items() if v} != want:
                world.leaks.append(f"{role}@{agency} agency facet {counts} != {want}")
        for key, *_ in DOCS:
            doc = world.docs[key]
            body = _search(world, token, q=marker(key))
            world.checks += 1
            if body["total"] != int(doc.id in expected):
                (world.leaks if doc.id not in expected else world.wrong_denials).append(
                    f"{role}@{agency} search {marker(key)}: total {body['total']}")
    assert not world.leaks, "\n".join(world.leaks[:20])
    assert not world.wrong_denials, "\n".join(world.wrong_denials[:20])


HOSTILE_QUERIES = ["agency:tinh-b", "agency:tinh-b OR agency:tinh-c", "visibility:public", "tinh-b", "*",
                   "budget OR *", '") OR agency:* OR ("', "NOT zzzz", "shared_with:tinh-a",
                   "all_agencies:true budget", "budget\\", "((((budget", "agency:*", "id:*", "%", "_all:*",
                   "zqbprivatemark OR zqcprivatemark OR zqaprivatemark", "zqbprivate*", "zq*"]


def test_hostile_queries_and_parameters_never_widen_access(world: World) -> None:
    extra_params = [{}, {"agency": "tinh-b"}, {"agency": "tinh-c"}, {"all_agencies": "true"}, {"access": "all"},
                    {"agency": ["tinh-a", "tinh-b", "tinh-c"]}, {"agency": "*"}, {"type": "*"}, {"lang": "*"},
                    {"dossier": "*"}, {"from": "0001-01-01", "to": "9999-12-31"}]
    for (agency, role), token in world.tokens.items():
        expected = {d.id for d in world.docs.values() if expected_visible(agency, role, d)}
        for q in HOSTILE_QUERIES:
            for extra in extra_params:
                r = world.get(token, "/api/search", params={"q": q, **extra})
                world.checks += 1
                if r.status_code == 200:
                    body = r.json()
                    ids = {h["id"] for h in body["hits"]}
                    facet_total = sum(body["facets"].get("agency", {}).values())
                    if not ids <= expected or body["total"] > len(expected) or facet_total > len(expected):
                        world.leaks.append(f"{role}@{agency} q={q!r} {extra}: {ids - expected} total {body['total']}")
                elif r.status_code != 422:
                    world.leaks.append(f"{role}@{agency} q={q!r} {extra}: unexpected {r.status_code}")
    assert not world.leaks, "\n".join(world.leaks[:20])


def test_hostile_ids_and_page_numbers(world: World) -> None:
    token = world.tokens[("tinh-a", "officer")]
    hidden = world.docs["b_private"]
    own = world.docs["a_private"]
    paths = [f"/api/documents/{hidden.id}", f"/api/documents/{hidden.id.upper()}",
             f"/api/documents/{hidden.id}%00", f"/api/documents/{hidden.id}/pages/1/image",
             f"/api/documents/{own.id}/..%2F{hidden.id}", f"/api/documents/..%2F..%2Fdocuments%2F{hidden.id}",
             f"/api/documents/{own.id}%2F..%2F{hidden.id}/text", f"/api/documents/%2E%2E/{hidden.id}/text",
             f"/api/documents/{own.id}/pages/0/image", f"/api/documents/{own.id}/pages/-1/image",
             f"/api/documents/{own.id}/pages/99/image", f"/api/documents/{own.id}/pages/1.png/image",
             f"/api/documents/{own.id}/pages/..%2F..%2F{hidden.id}%2Fpages%2F0001/image",
             f"/api/documents/{own.id}/pages/1%2F..%2F..%2F..%2F{hidden.id}/text",
             f"/api/documents/{own.id}/pages/99999999999999999999/image",
             "/api/documents/manifest.json", "/api/documents/..", "/api/documents/%2e%2e%2fcatalog.sqlite3",
             f"/api/batches/{world.batches['tinh-b']}", "/api/batches/..%2F..%2Fcatalog",
             "/static/..%2F..%2Fcatalog%2Fdb.py", "/static/%2e%2e/%2e%2e/settings/__init__.py"]
    for path in paths:
        r = world.client.get(path, headers={"Authorization": f"Bearer {token}"})
        world.checks += 1
        if r.status_code == 200 or hidden.id in r.text.replace(hidden.id, "", path.count(hidden.id)) or \
                "budget report of tinh-b" in r.text or "CREATE TABLE" in r.text or "import" in r.text:
            world.leaks.append(f"{path}: {r.status_code} {r.text[:120]}")
        assert r.status_code in (404, 422), (path, r.status_code)
        assert r.headers["content-type"].startswith("application/json"), path
    # Extra parameters naming another document are ignored: the caller gets its own page, nothing else.
    own_page = world.client.get(f"/api/documents/{own.id}/pages/1/image", headers={"Authorization": f"Bearer {token}"})
    for extra in ({"doc_id": hidden.id}, {"id": hidden.id}, {"agency": "tinh-b"}):
        r = world.client.get(f"/api/documents/{own.id}/pages/1/image", params=extra,
                             headers={"Authorization": f"Bearer {token}"})
        world.checks += 1
        assert r.status_code == 200 and r.content == own_page.content
    assert not world.leaks, "\n".join(world.leaks)


def test_batches_are_seen_by_their_agency_only(world: World) -> None:
    for (agency, role), token in world.tokens.items():
        for owner, batch in world.batches.items():
            r = world.get(token, f"/api/batches/{batch}")
            world.expect(owner == agency, r, f"{role}@{agency} batch of {owner}", [batch + '"', owner])
    assert not world.leaks and not world.wrong_denials, world.leaks + world.wrong_denials


def test_visibility_changes_owner_officers_and_admins_only(world: World) -> None:
    for (agency, role), token in world.tokens.items():
        for doc in world.docs.values():
            body = {"visibility": doc.visibility, "shared_with": doc.shared_with}  # same value: the world stays put
            r = world.client.put(f"/api/documents/{doc.id}/visibility", json=body,
                                 headers={"Authorization": f"Bearer {token}"})
            world.checks += 1
            visible = expected_visible(agency, role, doc)
            allowed = doc.agency == agency and role in ("officer", "admin")
            want = 200 if allowed else (403 if visible else 404)
            if r.status_code != want:
                (world.leaks if r.status_code == 200 or (not visible and r.status_code != 404)
                 else world.wrong_denials).append(f"{role}@{agency} PUT {doc.metadata.title}: {r.status_code}")
    assert not world.leaks and not world.wrong_denials, world.leaks + world.wrong_denials


def test_users_and_audit_are_admin_only_and_agency_scoped(world: World) -> None:
    for (agency, role), token in world.tokens.items():
        users = world.get(token, "/api/users")
        log = world.get(token, "/api/audit", params={"limit": 1000})
        world.checks += 2
        if role != "admin":
            assert users.status_code == 403 and log.status_code == 403
            continue
        assert {u["agency"] for u in users.json()["users"]} == {agency}
        entries = log.json()["entries"]
        assert entries, "admins see their agency's audit entries"
        for e in entries:
            if agency not in (e["agency"], e["target_agency"]):
                world.leaks.append(f"admin@{agency} sees audit entry {e}")
        other = f"clerk-{'tinh-b' if agency != 'tinh-b' else 'tinh-c'}"
        r = world.client.delete(f"/api/users/{other}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 404, "admins cannot touch other agencies' users"
    assert not world.leaks, "\n".join(world.leaks[:10])


def test_uploads_are_limited_and_always_for_the_callers_agency(world: World) -> None:
    clerk = {"Authorization": f"Bearer {world.tokens[('tinh-a', 'clerk')]}"}
    big = world.client.post("/api/batches", headers=clerk, files={"files": ("big.png", b"\x89PNG" + b"0" * 250_000)})
    assert big.status_code == 413 and "200000 bytes" in big.json()["error"]["message"]
    many = world.client.post("/api/batches", headers=clerk,
                             files=[("files", (f"f{i}.png", b"tiny")) for i in range(4)])
    assert many.status_code == 422 and "at most 3 files" in many.json()["error"]["message"]
    batch_too_big = world.client.post("/api/batches", headers=clerk,
                                      files=[("files", (f"f{i}.png", b"1" * 150_000)) for i in range(3)])
    assert batch_too_big.status_code == 413
    none = world.client.post("/api/batches", headers=clerk, data={"visibility": "private"})
    assert none.status_code in (415, 422)
    officer = {"Authorization": f"Bearer {world.tokens[('tinh-a', 'officer')]}"}
    assert world.client.post("/api/batches", headers=officer, files={"files": ("a.txt", b"x")}).status_code == 403
    # Hostile form fields: another agency, a path as a file name. The batch still belongs to the caller's agency.
    r = world.client.post("/api/batches?agency=tinh-b", headers=clerk, data={"agency": "tinh-b"},
                          files={"files": ("../../../etc/passwd", b"not a scan")})
    assert r.status_code == 202, r.text
    assert r.json()["files"][0]["name"] == "passwd"
    status = world.client.get(r.json()["status_url"], headers=clerk).json()
    assert status["agency"] == "tinh-a"
    other = {"Authorization": f"Bearer {world.tokens[('tinh-b', 'admin')]}"}
    assert world.client.get(r.json()["status_url"], headers=other).status_code == 404


def _change_calls(doc: Manifest) -> list[tuple[str, str, str, dict]]:
    """(label, method, path, request kwargs) of every correction endpoint, each a no-op or refused as invalid for a
    caller allowed to make it (the world stays put): 200 or 422 means allowed, 403 refused, 404 hidden."""
    base = f"/api/documents/{doc.id}"
    text = f"{marker_of(doc)} budget report of {doc.agency}"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    return [
        ("edit", "PATCH", base, {"json": {"title": doc.metadata.title}}),
        ("text", "PUT", f"{base}/pages/1/text", {"json": {"text": text}}),
        ("accept", "POST", f"{base}/pages/1/accept", {"json": {"reason": "cut_off"}}),
        ("rotate", "POST", f"{base}/pages/99/rotate", {"json": {"degrees": 90}}),
        ("replace", "PUT", f"{base}/pages/99/image", {"files": {"file": ("rescan.png", png, "image/png")}}),
        ("split", "POST", f"{base}/split", {"json": {"at": 99}}),
        ("restore", "POST", f"{base}/restore", {}),
        ("purge", "POST", f"{base}/purge", {}),
    ]


def test_corrections_only_by_the_owning_agency(world: World) -> None:
    """No user edits, corrects, reworks, deletes, restores or purges another agency's documents; deleting,
    restoring and purging are for the owning agency's admins."""
    for (agency, role), token in world.tokens.items():
        auth = {"Authorization": f"Bearer {token}"}
        for doc in world.docs.values():
            visible = expected_visible(agency, role, doc)
            for label, method, path, kw in _change_calls(doc):
                allowed = doc.agency == agency and (role == "admin" or label not in ("restore", "purge"))
                r = world.client.request(method, path, headers=auth, **kw)
                world.checks += 1
                ok = r.status_code in (200, 422) if allowed else r.status_code == (403 if visible else 404)
                if not ok:
                    (world.wrong_denials if allowed else world.leaks).append(
                        f"{role}@{agency} {label} {doc.metadata.title}: {r.status_code} {r.text[:120]}")
                if not visible and doc.id in r.text:
                    world.leaks.append(f"{role}@{agency} {label} names hidden {doc.metadata.title}")
            r = world.client.get(f"/api/documents/{doc.id}/split", headers=auth)
            world.expect(visible, r, f"{role}@{agency} split suggestion {doc.metadata.title}", _secrets(doc))
            r = world.client.post("/api/documents/merge", headers=auth, json={"ids": [doc.id, doc.id]})
            world.checks += 1
            if r.status_code != (422 if visible else 404):
                world.leaks.append(f"{role}@{agency} merge {doc.metadata.title}: {r.status_code}")
    assert not world.leaks, "\n".join(world.leaks[:20])
    assert not world.wrong_denials, "\n".join(world.wrong_denials[:20])


def test_delete_and_restore_by_the_owning_agencys_admins_only(world: World) -> None:
    doc = world.docs["a_public"]
    path = f"/api/documents/{doc.id}"
    for (agency, role), token in world.tokens.items():
        if (agency, role) == ("tinh-a", "admin"):
            continue
        r = world.client.delete(path, headers={"Authorization": f"Bearer {token}"})
        world.checks += 1
        # public: all but other agencies' clerks see it; nobody but tinh-a's admins may delete it
        if r.status_code != (403 if expected_visible(agency, role, doc) else 404):
            world.leaks.append(f"{role}@{agency} DELETE a_public: {r.status_code}")
    admin = {"Authorization": f"Bearer {world.tokens[('tinh-a', 'admin')]}"}
    assert world.client.delete(path, headers=admin).status_code == 200
    try:
        # in the trash: gone from search for everyone, gone altogether for other agencies
        assert _search(world, world.tokens[("tinh-b", "officer")], q=marker("a_public"))["total"] == 0
        assert _search(world, world.tokens[("tinh-a", "officer")], q=marker("a_public"))["total"] == 0
        for other in ("tinh-b", "tinh-c"):
            for role in ROLES:
                token = world.tokens[(other, role)]
                world.expect(False, world.get(token, path), f"{role}@{other} GET trashed", _secrets(doc))
                r = world.client.post(f"{path}/restore", headers={"Authorization": f"Bearer {token}"})
                world.expect(False, r, f"{role}@{other} restore trashed", _secrets(doc))
        for role in ("clerk", "officer"):
            clerk_or_officer = {"Authorization": f"Bearer {world.tokens[('tinh-a', role)]}"}
            assert world.client.post(f"{path}/restore", headers=clerk_or_officer).status_code == 403
        trash = world.client.get("/api/trash", headers=admin).json()["documents"]
        assert [d["id"] for d in trash] == [doc.id]
        other_admin = {"Authorization": f"Bearer {world.tokens[('tinh-b', 'admin')]}"}
        assert world.client.get("/api/trash", headers=other_admin).json()["documents"] == []
        assert world.get(world.tokens[("tinh-a", "clerk")], "/api/trash").status_code == 403
    finally:
        assert world.client.post(f"{path}/restore", headers=admin).status_code == 200
    assert _search(world, world.tokens[("tinh-b", "officer")], q=marker("a_public"))["total"] == 1
    assert not world.leaks, "\n".join(world.leaks)


def test_review_queue_is_agency_scoped(world: World) -> None:
    for (agency, role), token in world.tokens.items():
        own = world.get(token, "/api/review")
        assert own.status_code == 200
        listed = {p["id"] for p in own.json()["pages"]}
        assert listed == {d.id for d in world.docs.values() if d.agency == agency}, (role, agency)
        for other in AGENCIES:
            if other != agency:
                r = world.get(token, "/api/review", params={"agency": other})
                world.checks += 1
                if r.status_code != 403:
                    world.leaks.append(f"{role}@{agency} review of {other}: {r.status_code}")
    assert not world.leaks, "\n".join(world.leaks)


def expected_dossier_visible(agency: str, role: str, owner: str, public: bool) -> bool:
    """Oracle for dossiers: the owning agency sees its dossiers; officers and admins elsewhere see public ones."""
    return agency == owner or (role != "clerk" and public)


def test_archive_endpoints_for_every_role_and_agency(world: World) -> None:
    """Dossiers, holds, document placement, disposition and destruction records: every role x every agency."""
    dossiers = {}
    for owner in AGENCIES:
        officer = {"Authorization": f"Bearer {world.tokens[(owner, 'officer')]}"}
        for public in (False, True):
            code = f"ACL-{owner}-{'pub' if public else 'int'}"
            r = world.client.post("/api/dossiers", headers=officer, json={
                "code": code, "title": f"zqdossier {code}", "access_level": "public" if public else "internal"})
            assert r.status_code == 201, r.text
            dossiers[code] = (owner, public)
    for (agency, role), token in world.tokens.items():
        auth = {"Authorization": f"Bearer {token}"}
        listed = {d["code"] for d in world.get(token, "/api/dossiers").json()["dossiers"] if d["code"] in dossiers}
        expected = {c for c, (owner, public) in dossiers.items() if expected_dossier_visible(agency, role, owner,
                                                                                             public)}
        world.checks += 1
        if listed != expected:
            (world.leaks if listed - expected else world.wrong_denials).append(
                f"{role}@{agency} dossier list {sorted(listed ^ expected)}")
        for code, (owner, public) in dossiers.items():
            visible = expected_dossier_visible(agency, role, owner, public)
            world.expect(visible, world.get(token, f"/api/dossiers/{code}"), f"{role}@{agency} GET dossier {code}",
                         [f"zqdossier {code}"])
            r = world.client.get(f"/dossiers/{code}", headers={"Cookie": f"records_token={token}",
                                                               "Accept": "text/html"})
            world.expect(visible, r, f"{role}@{agency} UI dossier {code}", [f"zqdossier {code}"])
            # Changes by anyone outside the owning agency's officers and admins are refused, never applied.
            may_edit = agency == owner and role != "clerk"
            for method, path, body in (("PATCH", f"/api/dossiers/{code}", {"notes": f"by {role}@{agency}"}),
                                       ("POST", f"/api/dossiers/{code}/hold", {"reason": "acl"})):
                r = world.client.request(method, path, headers=auth, json=body)
                world.checks += 1
                allowed = may_edit if method == "PATCH" else (agency == owner and role == "admin")
                if allowed != (r.status_code == 200) or (not visible and r.status_code != 404):
                    world.leaks.append(f"{role}@{agency} {method} {path}: {r.status_code}")
                if r.status_code == 200 and path.endswith("/hold"):
                    assert world.client.post(f"/api/dossiers/{code}/unhold", headers=auth,
                                             json={"reason": "acl done"}).status_code == 200
        # Placing a document: hidden documents 404, visible ones 403 unless officer/admin of the owner; allowed
        # callers get 409 here because the dossier named belongs to another agency (so nothing changes).
        for doc in world.docs.values():
            other = next(c for c, (owner, _) in dossiers.items() if owner != doc.agency)
            r = world.client.put(f"/api/documents/{doc.id}/dossier", headers=auth, json={"dossier": other})
            world.checks += 1
            visible = expected_visible(agency, role, doc)
            want = 404 if not visible else 409 if (doc.agency == agency and role != "clerk") else 403
            if r.status_code != want:
                world.leaks.append(f"{role}@{agency} place {doc.metadata.title}: {r.status_code} (want {want})")
        r = world.client.put("/api/retention", headers=auth, json={"doc_type": "permit", "period": None})
        world.checks += 1
        if (r.status_code == 200) != (role == "admin"):
            world.leaks.append(f"{role}@{agency} PUT /api/retention: {r.status_code}")
        for path in ("/api/disposition", "/api/disposition/proposals", "/api/destructions"):
            r = world.get(token, path)
            world.checks += 1
            if (r.status_code == 200) != (role == "admin"):
                world.leaks.append(f"{role}@{agency} GET {path}: {r.status_code}")
        r = world.client.post("/api/disposition/proposals/P-20260101T000000-abcdef/approve", headers=auth, json={})
        world.checks += 1
        if r.status_code not in (403, 404):
            world.leaks.append(f"{role}@{agency} approve unknown proposal: {r.status_code}")
    for path in ("/api/dossiers", "/api/fonds", "/api/disposition", "/api/destructions",
                 f"/api/dossiers/{next(iter(dossiers))}"):
        world.checks += 1
        if world.client.get(path).status_code != 401:
            world.leaks.append(f"no token GET {path}")
    assert not world.leaks, "\n".join(world.leaks[:20])
    assert not world.wrong_denials, "\n".join(world.wrong_denials[:20])
