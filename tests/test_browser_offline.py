"""The web UI on an intranet with no internet, in a real browser (Debian's Chromium via Playwright): every page and
the API docs load with every request to anything but the app's own origin blocked; Urdu is drawn in the Nastaliq
font the app serves; document types are words in both languages; untitled documents get a readable label;
officers see no upload link; the header fits a 390 px phone; a reversed date range says so; a visibility change
shows at once. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright
from test_browser_ui import ARGS, CHROMIUM, SHOTS

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.testing import LiveServer, seed_document
from settings import Settings

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, dict, dict]]:
    from workers.backends import open_backends

    settings = Settings(home=tmp_path_factory.mktemp("offline-ui"), workers=1)
    backends = open_backends(settings)
    docs = {
        "urdu": seed_document(backends, agency="so-a", title="میونسپل کمیٹی نوٹس", language="urd",
                              doc_type="public_notice", pages=["میونسپل کمیٹی نوٹس ٹیکس ہے"]),
        "letter": seed_document(backends, agency="so-a", title="", doc_type="official_letter",
                                doc_number="125/UBND-KT", issued_date="2024-04-03",
                                pages=["Công văn về việc kiểm tra đất đai"], language="vie"),
        "minutes": seed_document(backends, agency="so-a", title="Biên bản họp giao ban", doc_type="meeting_minutes",
                                 pages=["Biên bản cuộc họp giao ban đất đai"], language="vie"),
    }
    cat = open_catalog(settings)
    for agency in ("so-b", "so-c"):
        add_user(cat, f"admin.{agency}", agency, "admin")
    tokens = {role: add_user(cat, f"{role}.a", "so-a", role)[1] for role in ("clerk", "officer", "admin")}
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server:
        yield server.url, tokens, docs
    backends.close()


def _browser_page(pw, url: str, width: int, locale: str = "vi-VN"):
    """A Chromium page that may reach only `url`'s origin: any other request is aborted and recorded."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale=locale)
    page.blocked = []

    def gate(route) -> None:
        if route.request.url.startswith(url + "/") or route.request.url == url:
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", gate)
    page.failed = []  # the app's own requests that failed (cancelled by leaving the page does not count)
    page.on("requestfailed", lambda r: page.failed.append((r.url, r.failure))
            if r.url.startswith(url) and r.failure != "net::ERR_ABORTED" else None)
    page.on("response", lambda r: page.failed.append((r.url, r.status))
            if r.status >= 400 and "/000000000000000000000000" not in r.url else None)
    return browser, page


def _sign_in(page, url: str, token: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#token", token)
    page.click("#sign-in")
    expect(page.locator("#who")).to_be_visible()


def test_every_page_loads_with_the_outside_world_blocked(site) -> None:
    url, tokens, docs = site
    with sync_playwright() as pw:
        browser, page = _browser_page(pw, url, 1366)
        try:
            page.goto(f"{url}/login")
            _sign_in(page, url, tokens["admin"])
            for path in ("/search", "/search?q=%C4%91%E1%BA%A5t", "/upload", f"/documents/{docs['urdu'].id}",
                         f"/documents/{docs['letter'].id}?q=đất", "/documents/000000000000000000000000"):
                page.goto(url + path)
                page.wait_for_load_state("networkidle")
            page.goto(f"{url}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("Records", timeout=20_000)
            expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
            page.goto(f"{url}/redoc")
            expect(page.locator("h1").first).to_contain_text("Records", timeout=20_000)
            assert page.blocked == [], f"requests outside the app: {page.blocked}"
            assert page.failed == [], f"requests to the app that failed: {page.failed}"
            assert page.request.get(f"{url}/favicon.ico").status == 200
        finally:
            browser.close()


def test_urdu_is_drawn_in_the_served_nastaliq_font(site) -> None:
    url, tokens, docs = site
    with sync_playwright() as pw:
        browser, page = _browser_page(pw, url, 1366)
        try:
            _sign_in(page, url, tokens["officer"])
            # The page itself asks for the Nastaliq face (it is only fetched when Urdu text is on the page).
            with page.expect_response(lambda r: r.url.endswith("/fonts/NotoNastaliqUrdu-Regular.ttf")) as font:
                page.goto(f"{url}/documents/{docs['urdu'].id}")
            assert font.value.status == 200 and font.value.headers["content-type"] == "font/ttf"
            text = page.locator("pre.text").first
            expect(text).to_have_attribute("lang", "ur")
            page.wait_for_function("document.fonts.check('20px \"Records Nastaliq\"', 'ہ')")
            assert "Records Nastaliq" in text.evaluate("e => getComputedStyle(e).fontFamily")
            page.screenshot(path=str(SHOTS / "document-urdu-font.png"))
        finally:
            browser.close()


def test_types_labels_links_and_hints_in_both_languages(site) -> None:
    url, tokens, docs = site
    with sync_playwright() as pw:
        browser, page = _browser_page(pw, url, 1366)
        try:
            _sign_in(page, url, tokens["officer"])
            expect(page.locator("header nav a[href='/upload']")).to_have_count(0)  # officers cannot upload
            page.goto(f"{url}/search?q=%C4%91%E1%BA%A5t")
            facet = page.locator(".facet[data-facet=doc_type]")
            expect(facet).to_contain_text("Công văn")
            expect(facet).to_contain_text("Biên bản")
            assert "official_letter" not in facet.inner_text() and "meeting_minutes" not in facet.inner_text()
            letter = page.locator(f"li.hit[data-id='{docs['letter'].id}']")
            expect(letter.locator("a.title")).to_have_text("Công văn số 125/UBND-KT ngày 03/04/2024")
            expect(letter.locator(".type")).to_have_text("Công văn")
            page.click("header .langs a[lang=en]")
            expect(letter.locator("a.title")).to_have_text("Official letter 125/UBND-KT, 03/04/2024")
            expect(page.locator(".facet[data-facet=doc_type]")).to_contain_text("Meeting minutes")
            letter.locator("a.title").click()
            expect(page.locator("h1")).to_have_text("Official letter 125/UBND-KT, 03/04/2024")
            expect(page.locator("dd[data-type]")).to_have_text("Official letter")

            page.goto(f"{url}/search?q=%C4%91%E1%BA%A5t&from=31/12/2024&to=01/01/2024")
            hint = page.locator("#reversed-dates")
            expect(hint).to_contain_text("after the end date")
            hint.locator("a").click()
            expect(page).to_have_url(re.compile(r"from=01%2F01%2F2024.*to=31%2F12%2F2024"))
            expect(page.locator("#total")).to_have_text(re.compile(r"^[1-9]\d* documents?$"))
        finally:
            browser.close()


def test_visibility_change_shows_at_once(site) -> None:
    url, tokens, docs = site
    with sync_playwright() as pw:
        browser, page = _browser_page(pw, url, 1366, locale="en-US")
        try:
            _sign_in(page, url, tokens["admin"])
            page.goto(f"{url}/documents/{docs['minutes'].id}")
            expect(page.locator("#visibility-now")).to_have_text("Private (my agency)")
            page.select_option("#visibility-form select", "shared")
            page.fill("#visibility-form input[name=shared_with]", "so-b, so-c")
            page.click("#visibility-form button")
            expect(page.locator("#visibility-form .status")).to_have_text("Saved.")
            expect(page.locator("#visibility-now")).to_have_text("Shared with agencies: so-b, so-c")
            field = page.locator("#visibility-form input[name=shared_with]").bounding_box()
            assert field["width"] >= 200, field  # wide enough for its content
        finally:
            browser.close()


@pytest.mark.parametrize("role", ["clerk", "officer", "admin"])
def test_header_fits_a_390px_phone(site, role: str) -> None:
    url, tokens, _ = site
    with sync_playwright() as pw:
        browser, page = _browser_page(pw, url, 390)
        try:
            _sign_in(page, url, tokens[role])
            for path in ("/search", "/upload"):
                page.goto(url + path)
                for selector in ("header .brand", "header nav", "#who", "header form button", "header .langs"):
                    box = page.locator(selector).bounding_box()
                    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
            if role == "clerk":
                page.screenshot(path=str(SHOTS / "phone-upload.png"), full_page=True)
        finally:
            browser.close()
