"""The four defects found when Records was tried as a new user would (issue 10), each as the user met it:
impossible dates and pages beyond the first 10,000 results answered 500; sharing with an unknown agency was saved
silently; an import lost a manifest row's metadata to an earlier unlisted copy; ingest and import disagreed on
their exit status (their one convention, as issue 11 changed it, is tested in tests/test_exit_status.py)."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from catalog import add_user, open_catalog
from conftest import records_env, records_json, run_records
from documents.model import Manifest, manifest_key
from search_api.app import create_app
from search_api.testing import LiveServer, seed_document
from settings import Settings


@dataclass
class Api:
    client: httpx.Client
    tokens: dict[str, str]
    doc: Manifest
    backends: object

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Iterator[Api]:
    from workers.backends import open_backends

    settings = Settings(home=tmp_path_factory.mktemp("defects"), workers=1)
    backends = open_backends(settings)
    doc = seed_document(backends, agency="so-a", title="Quyết định 2024", doc_type="decision", language="vie",
                        issued_date="2024-02-10", pages=["Quyết định về ngân sách"])
    cat = open_catalog(settings)
    tokens = {name: add_user(cat, name, agency, role)[1]
              for name, agency, role in [("officer-a", "so-a", "officer"), ("clerk-a", "so-a", "clerk"),
                                         ("officer-b", "so-b", "officer")]}
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        yield Api(client, tokens, doc, backends)
    backends.close()


IMPOSSIBLE = ("31/02/2024", "2024-02-30", "31/13/2024", "2023-02-29", "00/01/2024")


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_impossible_date_filter_is_422_in_the_callers_language(api: Api, value: str) -> None:
    english = api.client.get("/api/search", params={"q": "x", "from": value}, headers=api.auth("officer-a"))
    assert english.status_code == 422, english.text
    assert english.json()["error"]["message"] == f"from: '{value}' is not a real date (check the day and the month)"
    vietnamese = api.client.get("/api/search", params={"to": value},
                                headers={**api.auth("officer-a"), "Accept-Language": "vi-VN,vi;q=0.9"})
    assert vietnamese.status_code == 422
    assert "không phải là ngày có thật" in vietnamese.json()["error"]["message"]


def test_real_dates_still_filter(api: Api) -> None:
    for value in ("29/02/2024", "2024-02-29", "10/2/2024"):
        r = api.client.get("/api/search", params={"from": "1/2/2024", "to": value}, headers=api.auth("officer-a"))
        assert r.status_code == 200 and r.json()["total"] == 1, (value, r.text)


def test_paging_beyond_the_first_10000_results_is_422(api: Api) -> None:
    r = api.client.get("/api/search", params={"q": "x", "offset": 9990, "limit": 100}, headers=api.auth("officer-a"))
    assert r.status_code == 422, r.text
    assert "10,000" in r.json()["error"]["message"] and "narrow the search" in r.json()["error"]["message"]
    vi = api.client.get("/api/search", params={"offset": 10000, "limit": 1},
                        headers={**api.auth("officer-a"), "Accept-Language": "vi"})
    assert vi.status_code == 422 and "thu hẹp tìm kiếm" in vi.json()["error"]["message"]
    last = api.client.get("/api/search", params={"offset": 9900, "limit": 100}, headers=api.auth("officer-a"))
    assert last.status_code == 200 and last.json()["hits"] == []


def test_impossible_date_in_the_web_ui_is_a_readable_422_page(api: Api) -> None:
    login = api.client.post("/login", data={"token": api.tokens["officer-a"], "next": "/search"},
                            follow_redirects=False)
    assert login.status_code == 303 and "records_token" in api.client.cookies  # the client keeps it from here
    page = api.client.get("/search", params={"q": "ngân sách", "from": "31/02/2024"},
                          headers={"Accept": "text/html"})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html") and '{"error"' not in page.text
    assert "&#39;31/02/2024&#39; không phải là ngày có thật" in page.text  # Vietnamese: the UI's default
    api.client.cookies.set("records_lang", "en")
    english = api.client.get("/search", params={"from": "2024-02-30"}, headers={"Accept": "text/html"})
    assert english.status_code == 422 and "is not a real date" in english.text
    api.client.cookies.clear()


def test_sharing_with_an_unknown_agency_is_refused(api: Api) -> None:
    doc = api.doc
    r = api.client.put(f"/api/documents/{doc.id}/visibility", json={"visibility": "shared", "shared_with": ["othr"]},
                       headers=api.auth("officer-a"))
    assert r.status_code == 422, r.text
    assert "unknown agency: othr" in r.json()["error"]["message"] and "so-b" in r.json()["error"]["message"]
    stored = Manifest.from_dict(api.backends.store.get_json(manifest_key(doc.id)))
    assert stored.visibility == "private" and stored.shared_with == []
    ok = api.client.put(f"/api/documents/{doc.id}/visibility", json={"visibility": "shared", "shared_with": ["so-b"]},
                        headers=api.auth("officer-a"))
    assert ok.status_code == 200 and ok.json()["shared_with"] == ["so-b"]
    upload = api.client.post("/api/batches", data={"visibility": "shared", "shared_with": "so-b,othr"},
                             files={"files": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")},
                             headers={**api.auth("clerk-a"), "Accept-Language": "vi"})
    assert upload.status_code == 422 and "cơ quan không tồn tại: othr" in upload.json()["error"]["message"]


def test_cli_ingest_refuses_an_unknown_share_agency(tmp_path: Path, home: Path, samples: Path) -> None:
    env = records_env(home)
    run_records(["users", "add", "lan", "--agency", "so-a", "--role", "clerk"], env)
    proc = run_records(["ingest", str(samples / "s_en_02.pdf"), "--agency", "so-a", "--visibility", "shared",
                        "--share-with", "othr"], env, check=False)
    assert proc.returncode == 2 and "unknown agency: othr" in proc.stderr
    assert not (home / "store" / "documents").exists() or not any((home / "store" / "documents").iterdir())


def test_import_manifest_wins_over_an_earlier_unlisted_copy(tmp_path: Path, home: Path, samples: Path) -> None:
    root = tmp_path / "legacy"
    root.mkdir()
    shutil.copy(samples / "s_en_02.pdf", root / "a-unlisted-copy.pdf")  # walked first
    shutil.copy(samples / "s_en_02.pdf", root / "b-listed.pdf")
    manifest = tmp_path / "manifest.csv"
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "title", "doc_type", "issued_date", "doc_number"])
        writer.writerow(["b-listed.pdf", "Minutes of the board, spring session", "meeting_minutes", "03/04/2019",
                         "17/BB"])
    env = records_env(home)
    report_path = tmp_path / "report.json"
    proc = run_records(["import", str(root), "--manifest", str(manifest), "--agency", "so-a", "--report",
                        str(report_path)], env, check=False)
    assert proc.returncode == 0, proc.stderr  # nothing needs attention: one document, one listed duplicate
    report = json.loads(report_path.read_text())
    files = {f["path"]: f for f in report["files"]}
    assert files["a-unlisted-copy.pdf"]["status"] == "processed"
    listed = files["b-listed.pdf"]
    assert listed["status"] == "duplicate" and listed["manifest_line"] == 2
    assert "manifest line 2 was applied to the stored document" in listed["reason"]
    shown = records_json(["show", listed["duplicate_of"]], env)
    md = shown["metadata"]
    assert (md["title"], md["doc_type"], md["issued_date"], md["doc_number"]) == (
        "Minutes of the board, spring session", "meeting_minutes", "2019-04-03", "17/BB")
    assert shown["metadata_source"]["title"] == "manifest"
    hits = records_json(["search", "spring session"], env)["hits"]
    assert [h["title"] for h in hits] == ["Minutes of the board, spring session"]
    # a re-run (resume of a finished import) changes nothing and keeps the same answer
    again = run_records(["import", str(root), "--manifest", str(manifest), "--agency", "so-a"], env, check=False)
    assert again.returncode == 0
    assert records_json(["show", listed["duplicate_of"]], env)["metadata"]["title"] == md["title"]
