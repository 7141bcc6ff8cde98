"""The UI's strings come from one gettext catalogue per language (search_api/locale/{vi,en}/LC_MESSAGES/messages.po):
every key is in both, with the same {placeholders}; every key the templates, scripts' data attributes and Python
code ask for exists; the message sets the code uses are complete (document types, roles, states, sorts...); and
server errors that are keyed reach the UI in the user's language."""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

from search_api.catalogues import catalogue_path, read_catalogue
from search_api.i18n import LANGS, MESSAGES, translate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "search_api" / "templates"
# whole keys only: `t('sort_' ~ s)` builds a key from a family, checked by the families test below
_T_CALL = re.compile(r"""\bt\(\s*['"]([a-z0-9_]+)['"]\s*[,)]""")
_TRANSLATE_CALL = re.compile(r"""\btranslate\(\s*['"]([a-z0-9_]+)['"]\s*[,)]""")
_KEY_ARG = re.compile(r"""\bkey\s*=\s*['"]([a-z0-9_]+)['"]""")
# a reason's message key as a string literal (documents.errors): `RejectedInput("...", "r_empty")`, `keyed("r_x")`;
# r_: ingest, OCR, storage and worker reasons; c_: refused corrections; a_: archives; err_: refused requests
_REASON_KEY = re.compile(r"""['"]((?:r|c|a|err)_[a-z0-9_]+)['"]""")
_PACKAGES = ("archives", "catalog", "changes", "cli", "documents", "index", "ingest", "integrity", "metadata", "ocr",
             "search_api", "storage", "workers")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_each_language_has_its_own_po_catalogue_and_they_hold_the_same_keys() -> None:
    catalogues = {lang: read_catalogue(lang) for lang in LANGS}
    for lang in LANGS:
        assert catalogue_path(lang).is_file(), lang
    vi, en = catalogues["vi"], catalogues["en"]
    assert sorted(set(en) - set(vi)) == [], "keys without a Vietnamese text"
    assert sorted(set(vi) - set(en)) == [], "keys without an English text"
    for key in vi:
        assert _fields(vi[key]) == _fields(en[key]), f"{key}: placeholders differ between vi and en"
    # what the app translates with is exactly what the catalogues hold: no strings kept elsewhere in code
    assert {k: {lang: v[lang] for lang in LANGS} for k, v in MESSAGES.items()} == {
        k: {lang: catalogues[lang][k] for lang in LANGS} for k in vi}


def test_every_key_asked_for_in_templates_and_code_exists() -> None:
    asked: dict[str, str] = {}
    for path in TEMPLATES.glob("*.html"):
        for key in _T_CALL.findall(path.read_text()):
            asked[key] = path.name
    for path in (ROOT / "search_api").rglob("*.py"):
        text = path.read_text()
        for key in _TRANSLATE_CALL.findall(text) + _KEY_ARG.findall(text):
            asked[key] = path.name
    assert len(asked) > 150
    missing = {key: where for key, where in asked.items() if key not in MESSAGES}
    assert not missing, f"keys used but not in the catalogues: {missing}"


def test_every_reason_key_raised_anywhere_exists() -> None:
    """Reasons raised by ingest, OCR, storage and the workers carry a message key (documents.errors): every key
    named in the code, outside the web UI too, is in both catalogues."""
    keys: dict[str, str] = {}
    for package in _PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for key in _REASON_KEY.findall(path.read_text()):
                keys[key] = str(path.relative_to(ROOT))
    assert len([k for k in keys if k.startswith("r_")]) > 60, "the raise sites lost their keys"
    for where in ("ocr/sources.py", "ocr/tesseract.py", "ingest/sniff.py", "ingest/intake.py", "storage/s3.py",
                  "workers/reasons.py", "search_api/uploads.py", "changes/trash.py", "changes/metadata.py"):
        assert where in keys.values(), f"no keyed reason in {where}"
    missing = {key: where for key, where in keys.items() if key not in MESSAGES}
    assert not missing, f"reason keys used but not in the catalogues: {missing}"


def test_a_reason_reads_the_same_in_english_as_the_ledger_records_it(tmp_path) -> None:
    """The English catalogue text of a keyed reason, filled with its params, is the very reason the ledger, the
    CLI and the logs record; the Vietnamese one is another text. Real files, real refusals."""
    from documents.errors import RecordsError
    from ingest.sniff import sniff
    from ocr import count_pages
    from search_api.i18n import translate_message
    from workers.reasons import page_problem

    realworld = Path(os.environ.get("RECORDS_SHARED", "/work/shared")) / "realworld"
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a scan\n")
    (tmp_path / "cut.pdf").write_bytes((realworld / "ocrmypdf" / "trivial.pdf").read_bytes()[:300])
    attempts = [lambda: sniff(tmp_path / "empty.pdf"), lambda: sniff(tmp_path / "notes.txt"),
                lambda: sniff(realworld / "ocrmypdf" / "tagged.odt"),
                lambda: count_pages(realworld / "paperless-ngx" / "encrypted.pdf", "pdf"),
                lambda: count_pages(tmp_path / "cut.pdf", "pdf"),
                lambda: count_pages(realworld / "ocrmypdf" / "multipage.pdf", "pdf", max_pages=2),
                lambda: count_pages(realworld / "ocrmypdf" / "baiona.png", "png", max_pixels=1000)]
    seen = []
    for attempt in attempts:
        with pytest.raises(RecordsError) as caught:
            attempt()
        exc = caught.value
        assert exc.key, exc.reason
        assert translate_message(exc.message, "en") == exc.reason
        assert translate_message(exc.message, "vi") != exc.reason
        wrapped = page_problem(2, exc)  # as a worker records a page's failure: translated as a whole
        assert translate_message(wrapped.message, "en") == wrapped.reason
        assert translate_message(wrapped.message, "vi").startswith("trang 2: ")
        seen.append(exc.key)
    assert len(set(seen)) == len(attempts), seen


def test_message_families_built_from_codes_are_complete() -> None:
    from documents.access import ROLES
    from documents.model import DOC_TYPES, STATUSES, VISIBILITIES
    from ingest.ledger import FINAL_STATES
    from search_api.routes.ui import UI_SORTS

    families = {
        "dt_": DOC_TYPES, "role_": ROLES, "vis_": VISIBILITIES, "sort_": UI_SORTS,
        "st_": (*STATUSES, *FINAL_STATES, "waiting", "uploading", "received", "queued", "mixed"),
        "bst_": ("receiving", "processing", "done", "failed"), "lang_": ("vie", "eng", "urd", "ara", "fra"),
        "stage_": ("start", "page", "assemble", "job"),  # workers/reasons.py: `keyed(f"stage_{stage}")`
        "kind_": ("rtf", "unknown", "text"),  # ingest/sniff.py: what an unsupported file seems to be
        "act_": ("approve", "reject"),  # archives/disposition.py: keyed(f"act_{action}")
        "err_": ("user_name_invalid", "agency_name_invalid"),  # catalog/users.py: f"err_{what}_name_invalid"
    }
    missing = [prefix + code for prefix, codes in families.items() for code in codes if prefix + code not in MESSAGES]
    assert not missing, missing


def test_vietnamese_is_really_vietnamese() -> None:
    """A guard against copying the English text into the Vietnamese catalogue."""
    vi, en = read_catalogue("vi"), read_catalogue("en")
    same = [k for k in vi if vi[k] == en[k] and re.search(r"[a-z]{4}", vi[k]) and k not in {"signed_in_as"}]
    assert len(same) <= 3, same
    assert translate("search", "vi") == "Tìm kiếm" and translate("search", "en") == "Search"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    from catalog import add_user, open_catalog
    from search_api.app import create_app
    from search_api.testing import LiveServer, seed_document
    from settings import Settings
    from workers.backends import open_backends

    settings = Settings(home=tmp_path_factory.mktemp("i18n"), workers=1)
    backends = open_backends(settings)
    doc = seed_document(backends, agency="so-b", title="Other agency's public notice", visibility="public",
                        pages=["public"])
    cat = open_catalog(settings)
    _, token = add_user(cat, "officer", "so-a", "officer")
    cat.close()
    with LiveServer(create_app(settings, backends=backends)) as server:
        yield {"url": server.url, "token": token, "doc": doc}
    backends.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_keyed_server_errors_reach_the_ui_in_the_users_language(site, lang) -> None:
    cookies = {"records_token": site["token"], "records_lang": lang}
    html = {"Accept": "text/html"}
    with httpx.Client(base_url=site["url"], cookies=cookies, headers=html) as client:
        page = client.get("/search", params={"q": "x", "from": "hôm qua"}).text
        assert str(escape(translate("err_date_form", lang, name="from", value="hôm qua"))) in page
        missing = client.get("/documents/000000000000000000000000")
        assert missing.status_code == 404 and translate("err_not_found", lang) in missing.text
        nowhere = client.get("/nowhere")
        assert nowhere.status_code == 404 and translate("err_no_page", lang) in nowhere.text
        # the JSON error is in the caller's language too, with its key and the translated text
        from search_api.auth import csrf_token

        refused = client.put(f"/api/documents/{site['doc'].id}/visibility", json={"visibility": "private"},
                             headers={"X-CSRF-Token": csrf_token(site["token"]), "Accept": "application/json"})
        error = refused.json()["error"]
        assert refused.status_code == 403 and error["key"] == "err_vis_not_owner"
        assert error["message"] == error["localized"] == translate("err_vis_not_owner", lang)
    if lang == "vi":
        assert "Chỉ cơ quan sở hữu" in error["localized"]
    # an API client that names no language gets English
    plain = httpx.put(f"{site['url']}/api/documents/{site['doc'].id}/visibility", json={"visibility": "private"},
                      headers={"Authorization": f"Bearer {site['token']}"})
    assert plain.json()["error"]["message"] == translate("err_vis_not_owner", "en")
