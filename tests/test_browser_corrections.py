"""The correction loop in a real browser (Debian's Chromium, driven by Playwright), as the clerk, the officer and the
admin of one agency would live it: upload a batch with a blurred low-resolution page and a good page; the ledger
and the review screen flag the blurred one with its reason and not the good one; the clerk replaces it with a sharp
scan, corrects a word in the text editor, edits the title and the date; the officer's search finds the new title
and the corrected word and not the old ones; the admin deletes the document, search no longer finds it, restore
brings it back. Screenshots of the review screen and the text editor go to docs/screenshots/."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pypdfium2
import pytest
from playwright.sync_api import expect, sync_playwright

from catalog import add_user, open_catalog
from conftest import REPO
from search_api.app import create_app
from search_api.testing import LiveServer
from settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "docs" / "screenshots"
NEW_TITLE = "Giấy chứng nhận sử dụng công trình 418 Harbor View"


def _blurred_low_resolution(sample: Path, folder: Path) -> Path:
    """The sample scanned badly: out of focus and at 100 dpi (bench/page_quality.py's degradations)."""
    spec = importlib.util.spec_from_file_location("page_quality_bench", REPO / "bench" / "page_quality.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    gray, dpi = bench.scanned_page(sample)
    gray, dpi = bench.degrade(gray, dpi, "blurred")
    gray, dpi = bench.degrade(gray, dpi, "100dpi")
    return bench.write_png(gray, dpi, folder / "certificate-scan.png")


def _sign_in(page, url: str, token: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login")
    page.fill("#token", token)
    page.click("#sign-in")
    expect(page.locator("#who")).to_be_visible()


def _hits(page, url: str, query: str) -> list[str]:
    """Titles the search page lists for `query`."""
    page.goto(f"{url}/search?" + urlencode({"q": query}))
    expect(page.locator("main")).to_be_visible()
    return page.locator("li.hit a.title").all_inner_texts()


def test_review_replace_correct_edit_delete_restore_in_chromium(tmp_path: Path, samples: Path) -> None:
    assert Path(CHROMIUM).exists(), "install Debian's chromium package (apt-get install chromium)"
    bad = _blurred_low_resolution(samples / "s_en_01.png", tmp_path)
    good = samples / "s_vi_01.png"
    settings = Settings(home=tmp_path / "home", workers=2)
    cat = open_catalog(settings)
    _, clerk = add_user(cat, "lan.clerk", "so-tu-phap", "clerk")
    _, officer = add_user(cat, "minh.officer", "so-tu-phap", "officer")
    _, admin = add_user(cat, "hoa.admin", "so-tu-phap", "admin")
    cat.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with LiveServer(create_app(settings)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
        page.on("dialog", lambda dialog: dialog.accept())
        url = server.url
        try:
            _sign_in(page, url, clerk)
            page.click("header .langs a[lang=en]")

            # Upload: the ledger flags the blurred low-resolution page, not the good one.
            page.goto(f"{url}/upload")
            page.set_input_files("#files", [str(bad), str(good)])
            page.click("#start")
            expect(page.locator("#ledger")).to_have_attribute("data-done", "1", timeout=300_000)
            bad_row = page.locator("#ledger-rows tr", has_text="certificate-scan.png")
            good_row = page.locator("#ledger-rows tr", has_text=good.name)
            expect(bad_row.locator(".flag[data-reason=blurred]")).to_have_text("blurred")
            expect(bad_row.locator(".flag[data-reason=low_resolution]")).to_have_text("below 150 dpi")
            expect(good_row.locator(".flag")).to_have_count(0)
            doc_id = bad_row.locator("a").inner_text()

            # The review screen lists the blurred page with its reasons and a thumbnail, and not the good one.
            page.click("#nav-review")
            rows = page.locator(".review-row")
            expect(rows).to_have_count(1)
            row = rows.first
            assert row.get_attribute("data-doc") == doc_id
            expect(row.locator(".flag[data-reason=blurred]")).to_contain_text("rescan: blurred")
            expect(row.locator(".flag[data-reason=low_resolution]")).to_contain_text("below 150 dpi")
            assert row.locator("img.thumb").evaluate("img => img.complete && img.naturalWidth > 0")
            page.screenshot(path=str(SHOTS / "review.png"), full_page=True)

            # Replace the page with a sharp scan (same pipeline): the queue is empty, the flag resolved "replaced".
            row.locator(".replace-input").set_input_files(str(samples / "s_en_01.png"))
            expect(page.locator("#review-empty")).to_be_visible(timeout=180_000)
            page.goto(f"{url}/documents/{doc_id}")
            expect(page.locator("#page-1 .flag.resolved[data-reason=blurred]")).to_contain_text("replaced")

            # Correct a word in the text editor, line by line beside the page image.
            page.click("#page-1 a.button:has-text('Correct text')")
            line = page.locator("#text-editor li", has=page.locator("input[value*='Lorraine']"))
            expect(line).to_have_count(1)
            field = line.locator("input")
            field.fill(field.input_value().replace("Lorraine", "Lorrayne"))
            expect(line).to_have_class(re.compile(r"\bedited\b"))
            field.focus()
            expect(page.locator(".line-pointer")).to_be_visible()
            page.screenshot(path=str(SHOTS / "text-editor.png"), full_page=True)
            page.click("#save-text")
            expect(page.locator("#text-editor .status")).to_have_text("Saved.")

            # Edit the title and the date: a bad date is refused with the reason, a good one saved.
            page.goto(f"{url}/documents/{doc_id}")
            page.click("details.edit-box summary")
            form = page.locator("#metadata-form")
            form.locator("textarea[name=title]").fill(NEW_TITLE)
            form.locator("input[name=issued_date]").fill("31/02/2024")
            form.locator("button[type=submit]").click()
            expect(form.locator(".status")).to_contain_text("not a real calendar date")
            form.locator("input[name=issued_date]").fill("20/05/2024")
            form.locator("button[type=submit]").click()
            expect(page.locator("h1")).to_have_text(NEW_TITLE)
            expect(page.locator("time[datetime='2024-05-20']").first).to_be_visible()
            expect(page.locator("#history")).to_contain_text("edited title")

            # The officer's search sees every change at once.
            _sign_in(page, url, officer)
            assert _hits(page, url, "Lorrayne") == [NEW_TITLE]
            assert _hits(page, url, "Lorraine") == []
            assert _hits(page, url, '"chứng nhận sử dụng công trình"') == [NEW_TITLE]
            # the page still says "occupancy": the document is found under its new title, the old one is gone
            assert _hits(page, url, "occupancy") == [NEW_TITLE]
            page.goto(f"{url}/search?q=occupancy&from=2024-05-20&to=2024-05-20")
            expect(page.locator("li.hit a.title")).to_have_text([NEW_TITLE])

            # ...and so does the searchable PDF's invisible text layer, word by word on the page
            with httpx.Client(base_url=url) as client:
                pdf = client.get(f"/api/documents/{doc_id}/pdf", headers={"Authorization": f"Bearer {officer}"})
            text = pypdfium2.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
            assert "Lorrayne" in text and "Lorraine" not in text

            # The admin deletes it: search no longer finds it; restore brings it back.
            _sign_in(page, url, admin)
            page.goto(f"{url}/documents/{doc_id}")
            page.click("#delete-doc")
            expect(page.locator("#trash-banner")).to_be_visible()
            _sign_in(page, url, officer)
            assert _hits(page, url, "Lorrayne") == []
            with httpx.Client(base_url=url) as client:  # the officer may no longer restore or open it
                r = client.post(f"/api/documents/{doc_id}/restore", headers={"Authorization": f"Bearer {officer}"})
                assert r.status_code == 403
            _sign_in(page, url, admin)
            page.goto(f"{url}/trash")
            page.locator(f"#trash-list tr[data-doc='{doc_id}'] button.restore").click()
            expect(page.locator("#trash-list")).to_have_count(0)
            _sign_in(page, url, officer)
            assert _hits(page, url, "Lorrayne") == [NEW_TITLE]
        finally:
            browser.close()
