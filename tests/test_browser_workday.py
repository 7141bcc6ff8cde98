"""A working day in the web UI, in Debian's Chromium via Playwright, both languages, 390 px and 1366 px:
results with thumbnails of the matching page, multi-select facets, sort and page size; the upload page's recent
batches; the admin screens for users and the audit log; saved searches with new-match counts; the page viewer.
One site and one browser serve the whole module (seeded documents, no OCR). Screenshots go to docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright
from test_browser_ui import ARGS, CHROMIUM, SHOTS

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.testing import LiveServer, seed_document
from settings import Settings

pytestmark = [pytest.mark.browser]
WIDTHS = (390, 1366)
LOCALES = {"vi": "vi-VN", "en": "en-GB"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    from workers.backends import open_backends

    settings = Settings(home=tmp_path_factory.mktemp("workday-ui"), workers=1)
    backends = open_backends(settings)
    docs = {
        "decision": seed_document(backends, agency="so-a", title="Quyết định giao đất", doc_type="decision",
                                  issued_date="2023-05-02", pages=["Quyết định giao đất cho hộ gia đình"],
                                  language="vie"),
        "report": seed_document(backends, agency="so-a", title="Báo cáo đất đai năm 2022", doc_type="report",
                                issued_date="2022-12-30", pages=["Báo cáo tình hình đất đai"], language="vie"),
        "letter": seed_document(backends, agency="so-a", title="Công văn kiểm tra đất", doc_type="official_letter",
                                issued_date="2024-02-10",
                                pages=["Trang một không có từ khóa", "Trang hai về kiểm tra đất đai",
                                       "Trang ba lại nói về đất"], language="vie"),
        "english": seed_document(backends, agency="so-a", title="Annual land report", doc_type="report",
                                 issued_date="2021-01-15", pages=["Land report in English"], language="eng"),
    }
    cat = open_catalog(settings)
    tokens = {role: add_user(cat, f"{role}.a", "so-a", role)[1] for role in ("clerk", "officer", "admin")}
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server:
        yield {"url": server.url, "tokens": tokens, "docs": docs, "backends": backends, "settings": settings}
    backends.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser, site: dict, role: str, width: int, lang: str):
    """A signed-in page for `role` at `width` px in UI language `lang`."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale=LOCALES[lang])
    page = ctx.new_page()
    url = site["url"]
    page.goto(f"{url}/lang/{lang}?next=/login")
    page.fill("#token", site["tokens"][role])
    page.click("#sign-in")
    expect(page.locator("#who")).to_be_visible()
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_results_thumbnails_multiselect_facets_sort_and_page_size(site, browser, lang, width) -> None:
    url, docs = site["url"], site["docs"]
    page = _page(browser, site, "officer", width, lang)
    try:
        page.goto(f"{url}/search?q=đất")
        hits = page.locator("li.hit")
        expect(hits).to_have_count(3)
        # the letter matched on pages 2 and 3, not on page 1: its thumbnail is of page 2, and it is loaded
        thumb = page.locator(f'li.hit[data-id="{docs["letter"].id}"] .thumb img')
        expect(thumb).to_have_attribute("src", f"/api/documents/{docs['letter'].id}/pages/2/thumbnail")
        thumb.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
        # two document types chosen at once: both kinds are listed (OR), the other type keeps its count
        page.click('section[data-facet="doc_type"] a[data-value="decision"]')
        expect(hits).to_have_count(1)
        expect(page.locator('section[data-facet="doc_type"] li.on')).to_have_count(1)
        page.click('section[data-facet="doc_type"] a[data-value="report"]')
        expect(hits).to_have_count(2)
        assert set(hits.evaluate_all("els => els.map(e => e.dataset.id)")) == {docs["decision"].id,
                                                                               docs["report"].id}
        expect(page.locator('section[data-facet="doc_type"] li.on')).to_have_count(2)
        expect(page.locator('section[data-facet="doc_type"] a[data-value="official_letter"]')).to_be_visible()
        page.screenshot(path=str(SHOTS / f"search-facets-thumbnails-{lang}-{width}.png"), full_page=True)
        # sort by title A–Z (Báo cáo < Quyết định), then by date added; page size 20 kept in the links
        page.select_option("#sort", "title_asc")
        page.wait_for_url("**sort=title_asc**")
        assert hits.evaluate_all("els => els.map(e => e.dataset.id)") == [docs["report"].id, docs["decision"].id]
        page.select_option("#size", "20")
        page.wait_for_url("**size=20**")
        assert "type=decision" in page.url and "type=report" in page.url
        expect(page.locator("#size")).to_have_value("20")
        page.select_option("#sort", "date_asc")
        page.wait_for_url("**sort=date_asc**")
        assert hits.evaluate_all("els => els.map(e => e.dataset.id)") == [docs["report"].id, docs["decision"].id]
        sort_words = page.locator("#sort option").all_inner_texts()
        assert ("Title A–Z" if lang == "en" else "Trích yếu A–Z") in sort_words
    finally:
        page.context.close()
