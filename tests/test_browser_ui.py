"""The web UI in a real browser (Debian's Chromium, driven by Playwright): sign in with a token, upload two scans by
file picker and by drag and drop, watch the ledger finish, search a word, open the document and see the word
highlighted on the page image; Urdu text right-to-left; Vietnamese/English switch; dd/mm/yyyy dates.
Screenshots go to docs/screenshots/."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from catalog import add_user, open_catalog
from search_api.app import create_app
from search_api.testing import LiveServer
from settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _drop_file(page, selector: str, path: Path, mime: str) -> None:
    """Drop a file on an element the way a browser does when a user drags it from the desktop."""
    page.evaluate("""([selector, name, mime, b64]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, {type: mime}));
        const target = document.querySelector(selector);
        for (const type of ["dragenter", "dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
        }
    }""", [selector, path.name, mime, base64.b64encode(path.read_bytes()).decode()])


def _sign_in(page, url: str, token: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#token", token)
    page.click("#sign-in")
    expect(page.locator("#who")).to_be_visible()


def test_upload_search_open_and_highlight_in_chromium(tmp_path: Path, samples: Path) -> None:
    assert Path(CHROMIUM).exists(), "install Debian's chromium package (apt-get install chromium)"
    settings = Settings(home=tmp_path / "home", workers=2)
    cat = open_catalog(settings)
    _, clerk = add_user(cat, "lan.clerk", "so-tu-phap", "clerk")
    _, officer = add_user(cat, "minh.officer", "so-tu-phap", "officer")
    cat.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with LiveServer(create_app(settings)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        try:
            page.goto(f"{server.url}/search")
            expect(page).to_have_url(re.compile(r"/login\?next="))  # signed out: sent to sign in
            page.fill("#token", "rec_wrong")
            page.click("#sign-in")
            expect(page.locator("p.error")).to_contain_text("không hợp lệ")
            _sign_in(page, server.url, clerk)
            page.click("header .langs a[lang=en]")
            expect(page.locator("header nav")).to_contain_text("Upload")

            # Upload: one file through the file picker, one dropped on the drop zone.
            page.goto(f"{server.url}/upload")
            page.set_input_files("#files", str(samples / "s_en_01.png"))
            _drop_file(page, "#dropzone", samples / "s_ur_01.png", "image/png")
            expect(page.locator("#filelist li")).to_have_count(2)
            page.click("#start")
            expect(page.locator("#ledger")).to_be_visible()
            expect(page.locator("#ledger")).to_have_attribute("data-done", "1", timeout=240_000)
            expect(page.locator("#filelist li[data-status=processed]")).to_have_count(2)
            expect(page.locator("#ledger-rows tr[data-status=processed]")).to_have_count(2)
            assert page.locator("#filelist progress").evaluate_all("bars => bars.every(b => b.value === 100)")
            page.screenshot(path=str(SHOTS / "upload.png"), full_page=True)

            # Search as an officer, in English.
            page.click("header form button")  # sign out
            _sign_in(page, server.url, officer)
            page.fill("#q", "occupancy")
            page.press("#q", "Enter")
            hit = page.locator("li.hit").first
            expect(hit.locator("a.title")).to_contain_text("Occupancy")
            expect(hit.locator("mark").first).to_be_visible()
            expect(page.locator("#total")).to_have_text("1 document")
            expect(page.locator(".facet[data-facet=agency] .count").first).to_have_text("1")
            assert re.fullmatch(r"\d\d/\d\d/\d{4}", hit.locator("time").inner_text())
            page.screenshot(path=str(SHOTS / "search.png"), full_page=True)

            # The document: metadata, the page image with the matched word highlighted, downloads.
            hit.locator("a.title").click()
            expect(page.locator("h1")).to_contain_text("Occupancy")
            boxes = page.locator(".page-image .hl")
            assert boxes.count() >= 1
            expect(boxes.first).to_be_visible()
            box, image = boxes.first.bounding_box(), page.locator(".page-image img").first.bounding_box()
            assert box["width"] > 5 and image["x"] <= box["x"] <= image["x"] + image["width"]
            assert page.locator(".page-image img").first.evaluate("img => img.complete && img.naturalWidth > 0")
            expect(page.locator("#dl-original")).to_have_attribute("href", re.compile(r"/original$"))
            page.screenshot(path=str(SHOTS / "document.png"))

            # Urdu document: right-to-left text; UI back in Vietnamese.
            page.goto(f"{server.url}/search?lang=urd")
            page.click("header .langs a[lang=vi]")
            expect(page.locator("header nav")).to_contain_text("Tìm kiếm")
            page.locator("li.hit a.title").first.click()
            expect(page.locator("pre.text").first).to_have_attribute("dir", "rtl")
            page.screenshot(path=str(SHOTS / "document-urdu.png"))
        finally:
            browser.close()
