"""Security of the web UI and API as a browser and an attacker see it: Content-Security-Policy without inline
script, no framing, no caching of signed-in pages, and sign-in attempts limited per client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.ratelimit import SignInLimiter
from search_api.testing import LiveServer, seed_document
from settings import Settings

TEMPLATES = Path(__file__).resolve().parent.parent / "search_api" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str, str]]:
    from workers.backends import open_backends

    settings = Settings(home=tmp_path_factory.mktemp("security"), workers=1)
    backends = open_backends(settings)
    doc = seed_document(backends, agency="so-a", title="Permit 7", pages=["permit text"], doc_type="permit")
    cat = open_catalog(settings)
    token = add_user(cat, "officer", "so-a", "officer")[1]
    cat.close()
    app = create_app(settings, backends=backends)
    app.state.records.signin_limiter = SignInLimiter(max_failures=3, window=60)
    with LiveServer(app) as live:
        yield live.url, token, doc.id
    backends.close()


def _csp(response: httpx.Response) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip() for part in response.headers["content-security-policy"]
            .split(";") if part.strip()}


def test_templates_hold_no_inline_script_or_event_handler() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not INLINE_SCRIPT.search(text), f"inline <script> in {template.name}"
        assert not HANDLER_ATTR.search(text), f"inline event handler in {template.name}"


def test_ui_pages_forbid_inline_script_framing_and_caching(server) -> None:
    url, token, doc_id = server
    with httpx.Client(base_url=url, timeout=60) as client:
        login = client.get("/login")
        csp = _csp(login)
        assert csp["script-src"] == "script-src 'self'" and "unsafe-inline" not in csp["script-src"]
        assert csp["frame-ancestors"] == "frame-ancestors 'none'" and login.headers["x-frame-options"] == "DENY"
        assert login.headers["cache-control"] == "no-store"  # the token form
        signed_in = client.post("/login", data={"token": token, "next": "/search"}, follow_redirects=False)
        assert signed_in.status_code == 303
        for path in ("/search?q=permit", f"/documents/{doc_id}", "/upload"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.headers["cache-control"] == "no-store", path
            assert "script-src 'self'" in page.headers["content-security-policy"]
            assert not INLINE_SCRIPT.search(page.text) and not HANDLER_ATTR.search(page.text), path
        api = client.get("/api/search", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200 and api.headers["cache-control"] == "no-store"
    health = httpx.get(f"{url}/health")
    assert "cache-control" not in health.headers  # nothing private: caching is harmless


def test_failed_sign_ins_are_limited_per_client(server) -> None:
    url, token, _ = server
    with httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(3):
            assert client.post("/login", data={"token": "rec_wrong"}).status_code == 401
        limited = client.post("/login", data={"token": token}, headers={"Accept-Language": "en"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert "too many failed sign-ins" in limited.text
        vi = client.post("/login", data={"token": token}, headers={"Accept-Language": "vi"})
        assert vi.status_code == 429 and "đăng nhập sai quá nhiều lần" in vi.text
        assert "records_token" not in vi.headers.get("set-cookie", "")  # no session, even for the right token
        api = client.get("/api/search", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200  # the API's own bearer check is not the sign-in form
