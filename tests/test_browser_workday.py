"""A working day in the web UI, in Debian's Chromium via Playwright, both languages, 390 px and 1366 px:
results with thumbnails of the matching page, multi-select facets, sort and page size; the upload page's recent
batches; the admin screens for users and the audit log; saved searches with new-match counts; the page viewer.
One site and one browser serve the whole module (seeded documents, no OCR). Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

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


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_upload_page_lists_recent_batches_with_live_state(site, browser, lang, width) -> None:
    from catalog.batches import create_batch, finish_batch

    batch = f"b{lang}{width}"
    cat = open_catalog(site["settings"])
    try:
        create_batch(cat, batch, "so-a", "clerk.a", {}, [("scan.png", 10)])
        create_batch(cat, f"{batch}other", "so-b", "clerk.b", {}, [("other.png", 10)])  # another agency's
    finally:
        cat.close()
    page = _page(browser, site, "clerk", width, lang)
    try:
        page.goto(f"{site['url']}/upload")
        state = page.locator(f'#batch-rows tr[data-batch="{batch}"] .batch-state')
        expect(state).to_have_text("processing" if lang == "en" else "đang xử lý")
        expect(page.locator(f'#batch-rows tr[data-batch="{batch}other"]')).to_have_count(0)
        cat = open_catalog(site["settings"])
        try:
            finish_batch(cat, batch)
        finally:
            cat.close()
        expect(state).to_have_text("done" if lang == "en" else "xong", timeout=10_000)  # no reload: polled
        page.screenshot(path=str(SHOTS / f"upload-recent-batches-{lang}-{width}.png"), full_page=True)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_admin_creates_rotates_and_disables_a_user(site, browser, lang, width) -> None:
    url = site["url"]
    page = _page(browser, site, "admin", width, lang)
    try:
        page.click("header nav a[href='/admin/users']")
        expect(page.locator('#users-table tr[data-user="officer.a"]')).to_be_visible()
        name = f"new.{lang}{width}"
        page.fill("#new-user-name", name)
        page.select_option("#new-user-role", "officer")
        page.click("#add-user")
        expect(page.locator("#token-box")).to_be_visible()
        first = page.locator("#new-token").inner_text()
        assert first.startswith("rec_")
        assert page.request.get(f"{url}/api/me", headers={"Authorization": f"Bearer {first}"}).json()["name"] == name
        page.reload()
        page.click(f'#users-table button.rotate[data-user="{name}"]')
        expect(page.locator("#new-token")).to_have_text(re.compile(r"^rec_"))  # the box is empty after the reload
        second = page.locator("#new-token").inner_text()
        assert second != first
        assert page.request.get(f"{url}/api/me", headers={"Authorization": f"Bearer {first}"}).status == 401
        assert page.request.get(f"{url}/api/me", headers={"Authorization": f"Bearer {second}"}).status == 200
        page.screenshot(path=str(SHOTS / f"admin-users-{lang}-{width}.png"), full_page=True)
        page.once("dialog", lambda d: d.accept())
        page.click(f'#users-table button.disable[data-user="{name}"]')
        expect(page.locator(f'#users-table tr[data-user="{name}"] .user-state')).to_have_text(
            "disabled" if lang == "en" else "đã khóa")
        assert page.request.get(f"{url}/api/me", headers={"Authorization": f"Bearer {second}"}).status == 401
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_audit_log_filters_and_exports_csv(site, browser, lang, width) -> None:
    url = site["url"]
    officer = _page(browser, site, "officer", width, lang)
    officer.goto(f"{url}/search?q=giao")
    officer.context.close()
    page = _page(browser, site, "admin", width, lang)
    try:
        page.click("header nav a[href='/admin/audit']")
        page.select_option("#audit-user", "officer.a")
        page.fill("#audit-action", "search")
        page.fill("#audit-from", "01/01/2020")
        page.click("#audit-apply")
        rows = page.locator("#audit-table tbody tr")
        expect(rows.first).to_have_attribute("data-action", "search")
        assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.user + ' ' + r.dataset.action)")) == {
            "officer.a search"}
        expect(page.locator("#audit-table")).to_contain_text("giao")
        page.screenshot(path=str(SHOTS / f"admin-audit-{lang}-{width}.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#audit-csv")
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        lines = text.strip().splitlines()
        assert lines[0].startswith("id,time,user,agency,role,action") and len(lines) == rows.count() + 1
        assert all(",officer.a,so-a,officer,search," in line for line in lines[1:])
        page.fill("#audit-from", "31/12/2099")
        page.click("#audit-apply")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_text("No entries match." if lang == "en" else "Không có mục nào khớp.")
    finally:
        page.context.close()


def test_admin_screens_are_not_for_officers(site, browser) -> None:
    page = _page(browser, site, "officer", 1366, "en")
    try:
        expect(page.locator("header nav a[href^='/admin']")).to_have_count(0)
        for path in ("/admin/users", "/admin/audit", "/admin/audit.csv"):
            assert page.goto(site["url"] + path).status == 403
            expect(page.locator("main")).to_contain_text("Only administrators")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_saved_search_shows_new_matches_on_the_start_page(site, browser, lang, width) -> None:
    url, word = site["url"], f"kho{lang}{width}"
    seed_document(site["backends"], agency="so-a", title=f"Hợp đồng thuê {word}", doc_type="contract",
                  pages=[f"Hợp đồng thuê {word} số một"], language="vie")
    page = _page(browser, site, "officer", width, lang)
    try:
        page.goto(f"{url}/search?q={word}&type=contract")
        expect(page.locator("li.hit")).to_have_count(1)
        page.fill("#save-name", f"Kho {lang} {width}")
        page.click("#save-search-button")
        expect(page.locator("#save-search .status")).to_have_text(
            "Saved: it is listed on the start page." if lang == "en" else "Đã lưu: xem ở trang đầu.")
        page.wait_for_timeout(1100)  # the new documents are added after the save (second precision)
        for n in (2, 3):  # two more matching contracts, and one of another type that must not count
            seed_document(site["backends"], agency="so-a", title=f"Hợp đồng {n} {word}", doc_type="contract",
                          pages=[f"Hợp đồng thuê {word} số {n}"], language="vie")
        seed_document(site["backends"], agency="so-a", title=f"Báo cáo {word}", doc_type="report",
                      pages=[f"Báo cáo {word}"], language="vie")
        page.click("header a.brand")
        item = page.locator("#saved-searches li", has_text=f"Kho {lang} {width}")
        expect(item.locator(".new-count")).to_have_text("2 new" if lang == "en" else "2 mới")
        page.screenshot(path=str(SHOTS / f"start-saved-searches-{lang}-{width}.png"), full_page=True)
        item.locator("a.saved-name").click()
        page.wait_for_url("**/search?**")
        expect(page.locator("li.hit")).to_have_count(3)
        page.goto(f"{url}/")
        expect(item.locator(".new-count")).to_have_text("nothing new" if lang == "en" else "không có gì mới")
        item.locator(".delete-saved").click()
        expect(item).to_have_count(0)
        page.reload()
        expect(page.locator("#saved-searches li", has_text=f"Kho {lang} {width}")).to_have_count(0)
    finally:
        page.context.close()


def test_saved_searches_are_per_user(site, browser) -> None:
    url = site["url"]
    officer = _page(browser, site, "officer", 1366, "en")
    clerk = _page(browser, site, "clerk", 1366, "en")
    try:
        officer.goto(f"{url}/search?q=giao")
        officer.fill("#save-name", "Officer only")
        officer.click("#save-search-button")
        expect(officer.locator("#save-search .status")).to_contain_text("Saved")
        saved_id = officer.request.get(f"{url}/api/saved-searches").json()["saved"][0]["id"]
        clerk.goto(f"{url}/")
        expect(clerk.locator("#saved-searches")).not_to_contain_text("Officer only")
        assert clerk.goto(f"{url}/saved/{saved_id}").status == 404
        csrf = clerk.locator('meta[name="csrf-token"]').get_attribute("content")
        assert clerk.request.delete(f"{url}/api/saved-searches/{saved_id}",
                                    headers={"X-CSRF-Token": csrf}).status == 404
        officer.goto(f"{url}/")
        expect(officer.locator("#saved-searches")).to_contain_text("Officer only")
    finally:
        officer.context.close()
        clerk.context.close()


def _in_view(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_page_viewer_zoom_rotate_strip_and_matches_by_keyboard(site, browser, lang, width) -> None:
    doc = site["docs"]["letter"]
    page = _page(browser, site, "officer", width, lang)
    try:
        page.goto(f"{site['url']}/documents/{doc.id}?q=đất")
        strip = page.locator("#page-strip a")
        expect(strip).to_have_count(3)
        # pages 2 and 3 hold the word, page 1 does not
        assert strip.evaluate_all("as => as.map(a => a.classList.contains('has-match'))") == [False, True, True]
        total = page.locator(".page-image .hl").count()
        assert total >= 2
        page.locator("body").press("n")
        status = page.locator("#match-status")
        expect(status).to_contain_text(f"1/{total}" if lang == "vi" else f"Match 1 of {total}")
        expect(status).to_contain_text("2")  # page 2
        assert _in_view(page, ".hl.current")
        expect(page.locator('#page-strip a[data-page="2"]')).to_have_attribute("aria-current", "page")
        for _ in range(total - 1):
            page.keyboard.press("n")
        expect(page.locator('#page-strip a[data-page="3"]')).to_have_attribute("aria-current", "page")
        page.keyboard.press("n")  # wraps round to the first match
        expect(page.locator('#page-strip a[data-page="2"]')).to_have_attribute("aria-current", "page")
        page.keyboard.press("p")
        expect(page.locator('#page-strip a[data-page="3"]')).to_have_attribute("aria-current", "page")
        # zoom: + twice is 150 %, the page is wider than its frame and the frame scrolls; 0 fits again
        frame = page.locator("#page-1 .page-frame")
        fit = frame.evaluate("f => f.clientWidth")
        page.keyboard.press("+")
        page.keyboard.press("+")
        expect(page.locator("#zoom-level")).to_have_text("150%")
        wide = page.locator("#page-1 .page-image").evaluate("e => e.getBoundingClientRect().width")
        assert abs(wide - 1.5 * fit) < 3
        assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
        page.keyboard.press("0")
        expect(page.locator("#zoom-level")).to_have_text("100%")
        # rotate the page in view (page 1, via the page strip) a quarter turn: it lies on its side, within the frame
        strip.first.click()
        page.click("#rotate")
        pic = page.locator("#page-1 .page-image")
        box = pic.evaluate("e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; }")
        assert box[0] > box[1], box  # a portrait page turned a quarter is wider than high
        frame_box = frame.bounding_box()
        pic_box = pic.bounding_box()
        assert abs(pic_box["y"] - frame_box["y"]) < 2 and abs(pic_box["height"] - frame_box["height"]) < 3
        expect(page.locator("#page-2 .page-image")).to_have_attribute("data-rotation", "0")
        page.keyboard.press("j")
        page.wait_for_timeout(200)
        assert _in_view(page, "#page-2 h2")
        page.screenshot(path=str(SHOTS / f"document-viewer-{lang}-{width}.png"))
        # typing in a field is not a shortcut
        page.goto(f"{site['url']}/search?q=đất")
        page.fill("#q", "np+0r")
        expect(page.locator("#q")).to_have_value("np+0r")
    finally:
        page.context.close()
