"""The archival screens in a real browser (Debian's Chromium, driven by Playwright): an officer creates a dossier
with the form and edits it; one administrator proposes it for destruction on the disposition screen, sees that
they cannot approve their own proposal, and a second administrator approves it. Screenshots go to
docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from test_browser_ui import ARGS, CHROMIUM, SHOTS, _sign_in

from archives.placement import move_to_dossier
from catalog import add_user, open_catalog
from changes.core import Editor
from documents.access import LOCAL_ADMIN
from search_api.app import create_app
from search_api.testing import LiveServer, seed_document
from settings import Settings
from workers.backends import open_backends

pytestmark = [pytest.mark.browser]


def test_dossier_and_disposition_screens_in_chromium(tmp_path: Path) -> None:
    assert Path(CHROMIUM).exists(), "install Debian's chromium package (apt-get install chromium)"
    settings = Settings(home=tmp_path / "home", workers=1)
    backends = open_backends(settings)
    docs = [seed_document(backends, agency="so-noi-vu", title=f"Quyết định số {n}/QĐ-SNV", issued_date="2014-03-0"
                          f"{n}", pages=[f"Quyết định về việc giao đất số {n}"]) for n in (1, 2)]
    cat = open_catalog(settings)
    tokens = {n: add_user(cat, n, "so-noi-vu", r)[1] for n, r in (("hoa.officer", "officer"), ("an.admin", "admin"),
                                                                  ("binh.admin", "admin"))}
    app = create_app(settings, backends=backends)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with LiveServer(app) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        try:
            _sign_in(page, server.url, tokens["hoa.officer"])
            page.click("header nav a[href='/dossiers']")
            page.fill("#create-dossier input[name=code]", "HS-2014-GD")
            page.fill("#create-dossier input[name=title]", "Hồ sơ giao đất năm 2014")
            page.fill("#create-dossier input[name=retention]", "5")
            page.click("#create-dossier button")
            expect(page.locator("#done")).to_contain_text("Đã lập hồ sơ")
            local = Editor(backends, cat, LOCAL_ADMIN, "test")
            for doc in docs:  # documents are placed through the API or CLI; the page lists them
                move_to_dossier(local, doc.id, "HS-2014-GD")
            page.reload()
            expect(page.locator("#dossier-documents li")).to_have_count(2)
            page.click("#dossier-documents li a >> nth=0")  # the document page links back to its dossier
            page.click("#doc-dossier")
            expect(page.locator("h1")).to_contain_text("HS-2014-GD")
            page.fill("#edit-dossier input[name=keywords]", "đất đai, giao đất")
            page.fill("#edit-dossier input[name=physical_condition]", "giấy ố vàng")
            page.click("#save-dossier")
            expect(page.locator("#done")).to_contain_text("Đã lưu")
            expect(page.locator("#retention")).to_have_text("5 năm")
            expect(page.locator("#dossier-fields")).to_contain_text("01/01/2020")  # 2014 + 1 + 5
            # Dates and language shown are derived from the documents; the form keeps the dossier's own (empty).
            expect(page.locator("#edit-dossier input[name=end_date]")).to_have_value("")
            page.screenshot(path=str(SHOTS / "dossier.png"), full_page=True)
            expect(page.locator("header nav a[href='/disposition']")).to_have_count(0)  # officers: no screen

            page.context.clear_cookies()
            _sign_in(page, server.url, tokens["an.admin"])
            page.click("header nav a[href='/disposition']")
            row = page.locator("#due-list tr[data-code='HS-2014-GD']")
            expect(row).to_be_visible()
            row.locator("input[type=checkbox]").check()
            page.fill("#propose-form input[name=reason]", "Biên bản hội đồng xác định giá trị tài liệu số 3")
            page.click("#propose-form button")
            expect(page.locator(".proposal")).to_contain_text("HS-2014-GD")
            expect(page.locator(".proposal .approve-form")).to_have_count(0)  # not one's own proposal
            expect(page.locator(".proposal")).to_contain_text("cần quản trị viên khác")

            page.context.clear_cookies()
            _sign_in(page, server.url, tokens["binh.admin"])
            page.goto(f"{server.url}/disposition")
            page.click(".proposal .approve-form button")
            expect(page.locator("#records tbody tr")).to_have_count(1)
            expect(page.locator("#records")).to_contain_text("HS-2014-GD")
            expect(page.locator("#records")).to_contain_text("an.admin")
            page.click("header .langs a[lang=en]")
            expect(page.locator("h1")).to_have_text("Disposition")
            page.screenshot(path=str(SHOTS / "disposition.png"), full_page=True)
            page.goto(f"{server.url}/dossiers/HS-2014-GD")
            expect(page.locator("#state")).to_have_text("destroyed")
        finally:
            browser.close()
    cat.close()
    backends.close()
