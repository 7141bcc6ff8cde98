"""The web UI's pages over real HTTP (no browser): sign-in, session cookie and CSRF, escaping of document text,
language switch, dd/mm/yyyy dates, right-to-left text, and no open redirects."""

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


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, str, dict]]:
    settings = Settings(home=tmp_path_factory.mktemp("ui"), workers=1)
    from workers.backends import open_backends

    backends = open_backends(settings)
    docs = {
        "xss": seed_document(backends, agency="so-a", title='<img src=x onerror="alert(1)">Budget',
                             pages=["<script>alert(1)</script> budget plan"], issued_date="2024-03-05"),
        "urdu": seed_document(backends, agency="so-a", title="میونسپل نوٹس", language="urd",
                              doc_type="public_notice", pages=["میونسپل کمیٹی نوٹس ٹیکس"]),
    }
    cat = open_catalog(settings)
    _, token = add_user(cat, "officer", "so-a", "officer")
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server:
        yield server.url, token, docs
    backends.close()


def test_sign_in_sets_an_httponly_cookie_and_bad_tokens_are_refused(site) -> None:
    url, token, _ = site
    with httpx.Client(base_url=url) as client:
        assert client.get("/search").headers["location"].startswith("/login?next=")
        bad = client.post("/login", data={"token": "rec_nope", "next": "/search"})
        assert bad.status_code == 401 and "records_token" not in bad.headers.get("set-cookie", "")
        ok = client.post("/login", data={"token": token, "next": "/search?q=budget"})
        assert ok.status_code == 303 and ok.headers["location"] == "/search?q=budget"
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert client.get("/search?q=budget").status_code == 200


def test_no_open_redirects(site) -> None:
    url, token, _ = site
    with httpx.Client(base_url=url) as client:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            r = client.post("/login", data={"token": token, "next": target})
            assert r.headers["location"] == "/search", target
            assert client.get("/lang/en", params={"next": target}).headers["location"] == "/search"


def test_cookie_sessions_need_the_csrf_token_to_change_anything(site) -> None:
    url, token, docs = site
    doc = docs["urdu"]
    cookie = {"Cookie": f"records_token={token}", "Content-Type": "application/json"}
    body = b'{"visibility": "public"}'
    with httpx.Client(base_url=url) as client:
        r = client.put(f"/api/documents/{doc.id}/visibility", content=body, headers=cookie)
        assert r.status_code == 403 and "reload the page" in r.json()["error"]["message"]
        r = client.put(f"/api/documents/{doc.id}/visibility", content=body,
                       headers={**cookie, "X-CSRF-Token": csrf_token(token)})
        assert r.status_code == 200
        page = client.get(f"/documents/{doc.id}", headers={"Cookie": f"records_token={token}"}).text
        assert f'<meta name="csrf-token" content="{csrf_token(token)}">' in page


def test_document_text_is_escaped_and_snippets_keep_only_marks(site) -> None:
    url, token, docs = site
    with httpx.Client(base_url=url, headers={"Cookie": f"records_token={token}"}) as client:
        page = client.get("/search", params={"q": "budget"}).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "<mark>" in page.lower()
        doc = client.get(f"/documents/{docs['xss'].id}", params={"q": "budget"}).text
        assert "<script>alert(1)" not in doc and "<img src=x" not in doc and "&lt;script&gt;" in doc
        csp = client.get("/search").headers["content-security-policy"]
        assert "script-src 'self'" in csp


def test_languages_dates_and_direction(site) -> None:
    url, token, docs = site
    with httpx.Client(base_url=url, headers={"Cookie": f"records_token={token}"}) as client:
        vi = client.get("/search", params={"q": "budget"}).text
        assert "Tìm kiếm" in vi and '<html lang="vi">' in vi
        assert re.search(r'<time datetime="2024-03-05">05/03/2024</time>', vi)
        en = client.get("/search", params={"q": "budget"}, headers={"Cookie": f"records_token={token}; "
                                                                              "records_lang=en"}).text
        assert "Sign out" in en and '<html lang="en">' in en
        urdu = client.get("/search", params={"lang": "urd"}).text
        assert re.search(r'class="title" href="[^"]+" dir="rtl">میونسپل نوٹس', urdu)
        doc = client.get(f"/documents/{docs['urdu'].id}").text
        assert re.search(r'<pre class="text" dir="rtl" lang="ur">', doc)
        assert '<h1 dir="rtl" lang="ur">' in doc  # right to left, and in the Urdu font


def test_pages_for_unknown_or_hidden_documents_are_html_404s(site) -> None:
    url, token, _ = site
    with httpx.Client(base_url=url, headers={"Cookie": f"records_token={token}", "Accept": "text/html"}) as client:
        r = client.get("/documents/0123456789abcdef01234567")
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "không được phép xem" in r.text  # the UI's language (Vietnamese by default), not the API's English
    english = {"Cookie": f"records_token={token}; records_lang=en", "Accept": "text/html"}
    with httpx.Client(base_url=url, headers=english) as client:
        r = client.get("/documents/0123456789abcdef01234567")
        assert r.status_code == 404 and "not allowed to see it" in r.text


def test_the_office_time_zone_setting(monkeypatch, tmp_path) -> None:
    """RECORDS_TIMEZONE: times on screen in that zone (summer time included); an unknown name stops the app at start,
    naming the setting; a calendar day of the office maps to the UTC instants the audit filter needs."""
    from search_api.timefmt import day_bounds_utc, local_iso, local_time, office_zone

    paris = office_zone("Europe/Paris")
    assert local_time("2026-07-01T22:30:00+00:00", "vi", paris) == "02/07/2026 00:30"  # UTC+2 in summer
    assert local_time("2026-12-01T22:30:00+00:00", "en", paris) == "1 Dec 2026, 23:30"  # UTC+1 in winter
    assert local_time("2026-12-01T22:30:00+00:00", "vi", office_zone()) == "02/12/2026 05:30"  # default: UTC+7
    assert local_iso("2026-12-01T22:30:00+00:00", office_zone()) == "2026-12-02T05:30:00+07:00"
    assert day_bounds_utc("2026-12-02", office_zone()) == "2026-12-01T17:00:00+00:00"
    assert day_bounds_utc("2026-12-02", office_zone(), end=True) == "2026-12-02T16:59:59+00:00"
    monkeypatch.setenv("RECORDS_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="RECORDS_TIMEZONE 'Mars/Olympus_Mons' is not a known time zone"):
        create_app(Settings(home=tmp_path, workers=1))
