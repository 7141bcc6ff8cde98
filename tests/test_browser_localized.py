"""The web UI in the clerk's language, clock and screen, in Debian's Chromium via Playwright: a clerk uploads bad
files and reads why each was refused in Vietnamese (and in English), a file over the size limit is refused in the
clerk's language, a failed document says why on its page; times are shown in the office's time zone (the page
and the live batch list agree, the audit CSV carries the offset); at 390 px the admin, upload, dossier, trash,
disposition and review pages have no sideways scroll (wide tables become one card per row, each cell labelled),
and keyboard use still reaches every action. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import test_browser_workday as workday
from playwright.sync_api import expect
from test_browser_ui import SHOTS

from archives.dossiers import create_dossier
from archives.placement import move_to_dossier
from catalog import add_user, open_catalog
from changes import marks
from changes.core import Editor
from changes.trash import delete_document
from documents.access import LOCAL_ADMIN
from documents.model import PageFlag
from search_api.app import create_app
from search_api.config import ApiLimits
from search_api.testing import LiveServer, seed_document
from settings import Settings
from workers.pipeline import load_manifest, save_manifest

pytestmark = [pytest.mark.browser]
OFFICE = ZoneInfo("Asia/Ho_Chi_Minh")  # the default RECORDS_TIMEZONE
MAX_FILE = 1024 * 1024  # the site's per-file upload limit, so an over-limit file is small
REALWORLD = Path(os.environ.get("RECORDS_SHARED", "/work/shared")) / "realworld"
browser = workday.browser  # the same Chromium fixture (one browser per module) and signed-in page as the workday
_page = workday._page
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _expected(utc_iso: str, lang: str) -> str:
    """How a UTC timestamp must read on screen: the office's wall clock, in the language's format."""
    local = datetime.fromisoformat(utc_iso).astimezone(OFFICE)
    if lang == "vi":
        return local.strftime("%d/%m/%Y %H:%M")
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    from workers.backends import open_backends

    os.environ.pop("RECORDS_TIMEZONE", None)  # the default zone
    settings = Settings(home=tmp_path_factory.mktemp("localized-ui"), workers=1)
    backends = open_backends(settings)
    docs = {"letter": seed_document(backends, agency="so-a", title="Công văn kiểm tra đất", doc_type="official_letter",
                                    pages=["Trang một", "Trang hai về đất đai"], language="vie", dossier="HS-01"),
            "broken": seed_document(backends, agency="so-a", title="Biên bản họp", doc_type="meeting_minutes",
                                    pages=["Trang một", "Trang hai"], language="vie"),
            "old": seed_document(backends, agency="so-a", title="Quyết định giao đất năm 2014", doc_type="decision",
                                 issued_date="2014-03-01", pages=["Quyết định về việc giao đất"], language="vie"),
            "deleted": seed_document(backends, agency="so-a", title="Thông báo đã hủy bỏ", doc_type="public_notice",
                                     pages=["Thông báo"], language="vie")}
    cat = open_catalog(settings)
    tokens = {role: add_user(cat, f"{role}.a", "so-a", role)[1] for role in ("clerk", "officer", "admin")}
    for n in range(3):  # the users table holds several rows
        add_user(cat, f"nguyen.van.{n}@so-a.gov.vn", "so-a", "clerk")
    # every wide table has rows: a dossier past its retention (dossiers, disposition) and a document in the trash
    local = Editor(backends, cat, LOCAL_ADMIN, "test")
    create_dossier(local, "HS-2014-GD", "Hồ sơ giao đất năm 2014 của Sở Tài nguyên và Môi trường", agency="so-a",
                   retention="1")
    move_to_dossier(local, docs["old"].id, "HS-2014-GD")
    delete_document(local, docs["deleted"].id)
    cat.close()
    # and the review queue: a page flagged for review (as the quality checks flag one at ingest)
    letter = load_manifest(backends, docs["letter"].id)
    letter.pages[1].flags.append(PageFlag(kind="review", reason="low_confidence", detail="confidence 41 < 55"))
    save_manifest(backends, letter)
    marks.sync(backends.store, letter)
    with LiveServer(create_app(settings, backends=backends, limits=ApiLimits(max_file_bytes=MAX_FILE))) as server:
        yield {"url": server.url, "tokens": tokens, "docs": docs, "backends": backends, "settings": settings}
    backends.close()


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("bad-files")
    (folder / "ghi-chu.txt").write_text("Đây không phải là bản quét\n", encoding="utf-8")
    (folder / "trong.pdf").write_bytes(b"")
    encrypted = folder / "mat-khau.pdf"
    encrypted.write_bytes((REALWORLD / "paperless-ngx" / "encrypted.pdf").read_bytes())
    return [folder / "ghi-chu.txt", folder / "trong.pdf", encrypted]


REASONS = {  # file -> (Vietnamese, English) words of its reason
    "ghi-chu.txt": ("loại tệp không được hỗ trợ (tệp văn bản thuần)", "unsupported file type (a text file)"),
    "trong.pdf": ("tệp rỗng (0 byte): hãy quét hoặc sao chép lại", "empty file (0 bytes): rescan or re-copy it"),
    "mat-khau.pdf": ("Tệp PDF có mật khẩu hoặc được mã hóa; hãy gỡ bảo vệ rồi tải lên lại.",
                     "The PDF is password-protected or encrypted; remove the protection and upload it again."),
}


@pytest.mark.parametrize(("lang", "width"), [("vi", 390), ("vi", 1366), ("en", 1366)])
def test_a_clerk_reads_why_each_bad_file_was_refused_in_their_language(site, browser, bad_files, lang,
                                                                        width) -> None:
    page = _page(browser, site, "clerk", width, lang)
    try:
        page.goto(f"{site['url']}/upload")
        page.set_input_files("#files", [str(p) for p in bad_files])
        page.click("#start")
        expect(page.locator("#ledger")).to_have_attribute("data-done", "1", timeout=60_000)
        rows = page.locator("#ledger-rows tr")
        expect(rows).to_have_count(3)
        for name, (vi, en) in REASONS.items():
            row = page.locator("#ledger-rows tr", has=page.get_by_text(name, exact=True))
            expect(row).to_have_attribute("data-status", "rejected")
            reason = row.locator("td").nth(4)
            expect(reason).to_contain_text(vi if lang == "vi" else en)
            if lang == "vi":
                expect(reason).not_to_contain_text(en)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.screenshot(path=str(SHOTS / f"upload-rejected-reasons-{lang}-{width}.png"), full_page=True)
        # over the size limit: refused before anything is stored, in the clerk's language
        big = bad_files[0].parent / "qua-lon.png"
        big.write_bytes(os.urandom(MAX_FILE + 10))
        page.goto(f"{site['url']}/upload")
        page.set_input_files("#files", str(big))
        page.click("#start")
        error = page.locator("#upload-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("vượt giới hạn 1 MB" if lang == "vi" else "larger than the limit of")
        expect(error).to_contain_text("qua-lon.png")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failed_document_says_why_in_the_users_language(site, browser, lang, tmp_path) -> None:
    from documents.errors import RecordsError
    from ocr import count_pages
    from workers.pipeline import fail
    from workers.reasons import page_problem

    cut = tmp_path / "cut.pdf"
    cut.write_bytes((REALWORLD / "ocrmypdf" / "trivial.pdf").read_bytes()[:300])
    with pytest.raises(RecordsError) as caught:
        count_pages(cut, "pdf")
    problem = page_problem(2, caught.value)  # as a worker records a page that could not be read
    doc = site["docs"]["broken"]
    fail(site["backends"], doc.id, problem.reason, problem.message)
    page = _page(browser, site, "officer", 1366, lang)
    try:
        page.goto(f"{site['url']}/documents/{doc.id}")
        shown = page.locator("#doc-error")
        if lang == "vi":
            expect(shown).to_contain_text("trang 2: Tệp không phải là PDF đọc được (có thể bị hỏng hoặc bị cắt cụt)")
        else:
            expect(shown).to_have_text(problem.reason)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_times_are_shown_in_the_offices_time_zone(site, browser, lang) -> None:
    from catalog.batches import create_batch, finish_batch, list_batches

    url = site["url"]
    page = _page(browser, site, "admin", 1366, lang)
    try:
        page.goto(f"{url}/admin/audit")
        first = page.locator("#audit-table tbody tr time").first
        utc = first.get_attribute("datetime")
        assert utc.endswith("+00:00")  # the store keeps UTC; the page shows the office's clock
        expect(first).to_have_text(_expected(utc, lang))
        assert datetime.fromisoformat(utc).astimezone(OFFICE).hour != datetime.fromisoformat(utc).hour
        expect(page.locator("#zone-note")).to_contain_text("Asia/Ho_Chi_Minh (UTC+07:00)")
        # the CSV export says its zone: ISO 8601 with the office's offset, the same instant as stored
        csv = page.request.get(f"{url}/admin/audit.csv").text()
        times = [line.split(",")[1] for line in csv.strip().splitlines()[1:]]
        assert times and all(t.endswith("+07:00") for t in times)
        assert datetime.fromisoformat(times[-1]) <= datetime.fromisoformat(utc)

        # the upload page: a batch listed by the server and one added live by the page's script read alike
        cat = open_catalog(site["settings"])
        try:
            create_batch(cat, f"t{lang}1", "so-a", "admin.a", {}, [("a.png", 10)])
            page.goto(f"{url}/upload")
            create_batch(cat, f"t{lang}2", "so-a", "admin.a", {}, [("b.png", 10)])
            live = page.locator(f'#batch-rows tr[data-batch="t{lang}2"]')
            expect(live).to_have_count(1, timeout=10_000)  # added by batches.js while t{lang}1 is processing
            finish_batch(cat, f"t{lang}1")
            finish_batch(cat, f"t{lang}2")
            stored = {r.id: r for r in list_batches(cat, "so-a", 50)}
        finally:
            cat.close()
        served = page.locator(f'#batch-rows tr[data-batch="t{lang}1"] td').nth(2)
        expect(served).to_have_text(_expected(stored[f"t{lang}1"].created_at, lang))
        expect(live.locator("td").nth(2)).to_have_text(_expected(stored[f"t{lang}2"].created_at, lang))
        finished = live.locator(".batch-finished")
        expect(finished).to_have_text(_expected(stored[f"t{lang}2"].finished_at, lang), timeout=10_000)
        if lang == "vi":
            assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", finished.inner_text())
    finally:
        page.context.close()


PHONE_PAGES = ("/admin/users", "/admin/audit", "/upload", "/dossiers", "/trash", "/disposition", "/review", "/",
               "/search?q=đất")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_sideways_scroll_at_390_px_tables_become_labelled_cards(site, browser, lang) -> None:
    from catalog.batches import create_batch

    cat = open_catalog(site["settings"])
    try:
        create_batch(cat, f"20261202T093000-phone{lang}", "so-a", "clerk.a", {}, [("scan.png", 10)])
    finally:
        cat.close()
    page = _page(browser, site, "admin", 390, lang)
    try:
        for path in PHONE_PAGES:
            page.goto(site["url"] + path)
            page.wait_for_load_state("networkidle")
            wide = page.evaluate("""() => {
                const root = document.documentElement, out = [];
                if (root.scrollWidth > root.clientWidth) {  // name the elements that stick out
                    for (const el of document.body.querySelectorAll('*')) {
                        const r = el.getBoundingClientRect();
                        if (r.right > root.clientWidth + 1 && out.length < 5) out.push(el.tagName + '#' + el.id + '.'
                            + el.className + ' right ' + Math.round(r.right));
                    }
                }
                for (const el of document.querySelectorAll('.table-wrap, table')) {
                    if (el.scrollWidth > el.clientWidth + 1) out.push((el.id || el.className) + ' ' + el.scrollWidth);
                }
                return out;
            }""")
            assert not wide, f"{path} scrolls sideways at 390 px: {wide}"
        for path, rows in (("/dossiers", "#dossier-list tbody tr"), ("/disposition", "#due-list tbody tr"),
                           ("/trash", "#trash-list tbody tr"), ("/admin/audit", "#audit-table tbody tr"),
                           ("/admin/users", "#users-table tbody tr"), ("/review", "#review-list article")):
            page.goto(site["url"] + path)
            expect(page.locator(rows).first).to_be_visible()  # the pages checked above had rows
        # each cell of a stacked row is labelled with its column's header
        for path, table, header in (("/admin/audit", "#audit-table", ("Thời gian", "Time")),
                                    ("/admin/users", "#users-table", ("Người dùng", "User"))):
            page.goto(site["url"] + path)
            cell = page.locator(f"{table} tbody tr td").first
            label = cell.evaluate("td => getComputedStyle(td, '::before').content")
            assert label.strip('"') == header[0 if lang == "vi" else 1], label
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        # keyboard only: Tab reaches a clerk's "new token" button, which is on screen when focused
        page.goto(site["url"] + "/admin/users")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('tr[data-user^=\"nguyen\"] button.rotate')"):
                break
        else:
            raise AssertionError("Tab never reached a 'new token' button")
        left, right, top, bottom = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                                                 " return [r.left, r.right, r.top, r.bottom]; })()")
        assert left >= 0 and right <= 390 and top >= 0 and bottom <= 900, (left, right, top, bottom)
        # Enter gives that user a new token: shown once, whole, and it wraps instead of widening the page
        page.keyboard.press("Enter")
        expect(page.locator("#new-token")).to_have_text(re.compile(r"^rec_\S{20,}$"))
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        page.context.close()
