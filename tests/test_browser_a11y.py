"""Accessibility: axe-core (the npm package, installed into tests/a11y/node_modules by scripts/install.sh --test,
injected by Playwright; nothing from a CDN) finds no serious or critical violation on the login, start, search,
document, upload, dossier and admin pages, in both languages, at 1366 px and 390 px. Keyboard-only: the search,
a result and the document viewer are reached and used with the keyboard alone, and each role's header shows
only the links it may use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from test_browser_ui import ARGS, CHROMIUM

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.testing import LiveServer, seed_document
from settings import Settings

pytestmark = [pytest.mark.browser]
AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    from workers.backends import open_backends

    settings = Settings(home=tmp_path_factory.mktemp("a11y-ui"), workers=1)
    backends = open_backends(settings)
    docs = {
        "letter": seed_document(backends, agency="so-a", title="Công văn kiểm tra đất", doc_type="official_letter",
                                pages=["Trang một", "Trang hai về đất đai"], language="vie", dossier="HS-01"),
        "urdu": seed_document(backends, agency="so-a", title="میونسپل نوٹس", doc_type="public_notice",
                              pages=["میونسپل کمیٹی نوٹس ٹیکس"], language="urd"),
    }
    cat = open_catalog(settings)
    tokens = {role: add_user(cat, f"{role}.a", "so-a", role)[1] for role in ("clerk", "officer", "admin")}
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server:
        yield {"url": server.url, "tokens": tokens, "docs": docs}
    backends.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    assert AXE.is_file(), f"{AXE} is missing: run scripts/install.sh --test (npm ci --prefix tests/a11y)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _signed_in(browser, site: dict, role: str, width: int, lang: str):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{site['url']}/lang/{lang}?next=/login")
    page.fill("#token", site["tokens"][role])
    page.click("#sign-in")
    expect(page.locator("#who")).to_be_visible()
    return page


def _serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))  # the context bypasses the app's CSP for this test-only script
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:4])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("lang", "width"), [("vi", 1366), ("en", 390)])
def test_no_serious_or_critical_axe_violations(site, browser, lang, width) -> None:
    url, doc = site["url"], site["docs"]["letter"]
    found: dict[str, list[str]] = {}
    anonymous = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    login = anonymous.new_page()
    login.goto(f"{url}/lang/{lang}?next=/login")
    found["/login"] = _serious(login)
    anonymous.close()
    page = _signed_in(browser, site, "admin", width, lang)
    try:
        for path in ("/", "/search?q=đất", "/search?q=đất&type=official_letter", f"/documents/{doc.id}?q=đất",
                     f"/documents/{site['docs']['urdu'].id}", "/upload", "/dossiers", "/admin/users",
                     "/admin/audit", "/disposition", "/review"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            found[path] = _serious(page)
    finally:
        page.context.close()
    bad = {path: v for path, v in found.items() if v}
    assert not bad, "\n".join(f"{path}: {line}" for path, lines in bad.items() for line in lines)


def test_keyboard_only_search_open_and_view(site, browser) -> None:
    page = _signed_in(browser, site, "officer", 1366, "en")
    try:
        page.goto(f"{site['url']}/search")
        expect(page.locator("#q")).to_be_focused()  # the query box has the focus on arrival
        page.keyboard.type("đất")
        page.keyboard.press("Enter")
        expect(page.locator("li.hit")).to_have_count(1)
        # Tab from the query box reaches the first result's title link (thumbnails are not tab stops)
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('li.hit a.title')"):
                break
        else:
            pytest.fail("the result title was not reached with Tab")
        focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focus != "none", "the focused link shows no focus ring"
        page.keyboard.press("Enter")
        page.wait_for_url("**/documents/**")
        page.keyboard.press("n")
        expect(page.locator("#match-status")).to_contain_text("Match 1 of")
        page.keyboard.press("+")
        expect(page.locator("#zoom-level")).to_have_text("125%")
        page.go_back()
        page.wait_for_url("**/search?**")
        # the sort menu by keyboard: arrows move through the options without reloading, Enter applies the choice
        page.focus("#sort")
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        assert "sort=date_desc" not in page.url and page.locator("#sort").input_value() == "date_desc"
        page.keyboard.press("Enter")
        page.wait_for_url("**sort=date_desc**")
        expect(page.locator("li.hit")).to_have_count(1)
    finally:
        page.context.close()


@pytest.mark.parametrize(("role", "links", "absent"), [
    ("clerk", ["/", "/search", "/upload", "/dossiers", "/review"],
     ["/admin/users", "/admin/audit", "/disposition", "/trash"]),
    ("officer", ["/", "/search", "/dossiers", "/review"],
     ["/upload", "/admin/users", "/admin/audit", "/disposition", "/trash"]),
    ("admin", ["/", "/search", "/upload", "/dossiers", "/admin/users", "/admin/audit", "/disposition", "/review",
               "/trash"], []),
])
def test_each_role_sees_only_the_links_it_may_use(site, browser, role, links, absent) -> None:
    page = _signed_in(browser, site, role, 390, "vi")
    try:
        shown = page.locator("header nav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert shown == links
        for href in shown:  # every link shown opens a page, not a refusal
            assert page.goto(site["url"] + href).status == 200, href
        for href in absent:  # refused: an error status, or (the upload page for officers) a page saying so
            response = page.goto(site["url"] + href)
            assert response.status in (403, 404) or page.locator("main p.error").count() == 1, href
    finally:
        page.context.close()
