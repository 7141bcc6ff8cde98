"""The correction functions of `changes/` on real backends, in both modes (embedded: local store + tantivy;
distributed: S3 + Elasticsearch): metadata edits with per-field source and revisions, text correction that keeps the
OCR text and the boxes of unchanged words, trash/restore/purge with a tombstone, split and merge into new documents
that point to the original pages. Search sees every change at once; every change is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from catalog import list_audit, open_catalog
from changes import ChangeForbidden, ChangeRefused, Editor
from changes.metadata import edit_metadata
from changes.splitmerge import merge_documents, original_owner, split_document
from changes.text import correct_text, realign
from changes.trash import delete_document, purge_document, restore_document
from documents.access import Principal
from documents.errors import NotFound
from documents.model import manifest_key, original_key, page_key
from index.base import Access, SearchRequest
from search_api.testing import backend_modes, drop_test_backends, layout_words, mode_settings, seed_document
from workers.pipeline import load_manifest
from workers.reindex import rebuild_index

CLERK = Principal(user="lan", agency="so-a", role="clerk")
ADMIN = Principal(user="hoa", agency="so-a", role="admin")
OTHER_ADMIN = Principal(user="binh", agency="so-b", role="admin")


@pytest.fixture(params=backend_modes())
def backends(request, tmp_path) -> Iterator:
    from workers.backends import open_backends

    settings = mode_settings(request.param, tmp_path / "home", redis_db=5)
    be = open_backends(settings)
    yield be
    drop_test_backends(be)
    be.close()


@pytest.fixture
def catalog(backends):
    cat = open_catalog(backends.settings)
    yield cat
    cat.close()


def editor(backends, catalog, principal: Principal) -> Editor:
    return Editor(backends=backends, catalog=catalog, principal=principal, client="test")


def with_page_pdfs(backends, doc):
    """Give a seeded document the one-page PDFs the page pipeline stores beside each page."""
    import io

    from PIL import Image

    for page in doc.pages:
        pdf = io.BytesIO()
        Image.new("L", (85, 110), 255).save(pdf, format="PDF", resolution=10.0)
        backends.store.put_bytes(page_key(doc.id, page.number, "pdf"), pdf.getvalue(), "application/pdf")
    return doc


def found(backends, query: str, **kw) -> list[str]:
    result = backends.index.search(SearchRequest(query, Access(agency=None, all_agencies=True), **kw))
    return [h.id for h in result.hits]


def test_metadata_edit_is_validated_sourced_revised_audited_and_searchable(backends, catalog) -> None:
    doc = seed_document(backends, agency="so-a", title="Thông báo cũ", pages=["nội dung trang một"])
    ed = editor(backends, catalog, CLERK)
    with pytest.raises(ChangeRefused, match="not a real calendar date"):
        edit_metadata(ed, doc.id, {"issued_date": "30/02/2024"})
    with pytest.raises(ChangeRefused, match="doc_type 'memo' is unknown"):
        edit_metadata(ed, doc.id, {"doc_type": "memo"})
    with pytest.raises(ChangeForbidden):
        edit_metadata(editor(backends, catalog, OTHER_ADMIN), doc.id, {"title": "x"})
    changed = edit_metadata(ed, doc.id, {"title": "Quyết định cấp phép xây dựng", "issued_date": "05/06/2024",
                                         "doc_type": "quyết định", "tags": "đất đai, 2024"})
    assert (changed.metadata.title, changed.metadata.issued_date, changed.metadata.doc_type) == (
        "Quyết định cấp phép xây dựng", "2024-06-05", "decision")
    assert changed.metadata_source["title"] == "edited" and changed.metadata_source.get("doc_number") != "edited"
    stored = load_manifest(backends, doc.id)
    title_rev = next(r for r in stored.revisions if r.field == "title")
    assert (title_rev.user, title_rev.before) == ("lan", "Thông báo cũ")
    assert title_rev.after == "Quyết định cấp phép xây dựng"
    assert stored.tags == ["đất đai", "2024"]
    again = edit_metadata(ed, doc.id, {"title": "Quyết định cấp phép xây dựng"})  # the same value: no new revision
    assert len(again.revisions) == len(stored.revisions) == 4
    # search sees it at once: the new title, the tag filter and facet, the date filter
    assert found(backends, "cấp phép xây dựng") == [doc.id]
    assert found(backends, "", tag="đất đai") == [doc.id]
    assert found(backends, "", date_from="2024-06-05", date_to="2024-06-05") == [doc.id]
    entries = list_audit(catalog, target=doc.id, action="edit")  # newest first: the unchanged edit, then the edit
    assert [e.user for e in entries] == ["lan", "lan"] and entries[0].detail == {"unchanged": True}
    assert {c["field"] for c in entries[1].detail["changes"]} == {"title", "issued_date", "doc_type", "tags"}
    assert [e.action for e in list_audit(catalog, target=doc.id, action="denied")] == ["denied"]


def test_text_correction_keeps_the_ocr_text_and_the_boxes_of_unchanged_words(backends, catalog) -> None:
    ocr = "CITY OF PORT ELLISON\nOwner: Lorraine T. Okafor\nBuilding Permit No.: BP-2023-01377"
    doc = seed_document(backends, agency="so-a", title="Certificate", pages=[ocr, "page two"])
    boxes = layout_words(ocr)  # OCR words carry their line number
    for n, word in enumerate(boxes):
        word["line"] = 0 if n < 4 else 1 if n < 8 else 2
    backends.store.put_bytes(page_key(doc.id, 1, "words.json"), json.dumps(boxes).encode())
    corrected = ocr.replace("Lorraine", "Lorrayne")
    manifest = correct_text(editor(backends, catalog, CLERK), doc.id, 1, corrected)
    page = manifest.pages[0]
    assert page.text_edited and page.edited_lines == [2]
    store = backends.store
    assert store.get_bytes(page_key(doc.id, 1, "txt")).decode() == corrected
    assert store.get_bytes(page_key(doc.id, 1, "ocr.txt")).decode() == ocr  # the machine's reading is kept
    words = json.loads(store.get_bytes(page_key(doc.id, 1, "words.json")))
    by_text = {w["text"]: w for w in words}
    old = {w["text"]: w for w in boxes}
    for unchanged in ("ELLISON", "BP-2023-01377", "Okafor"):
        assert {k: by_text[unchanged][k] for k in ("left", "top", "width", "height")} == \
            {k: old[unchanged][k] for k in ("left", "top", "width", "height")}
    assert "edited" not in by_text["ELLISON"] and by_text["Okafor"]["edited"]
    assert by_text["Lorrayne"]["edited"] and by_text["Lorrayne"]["left"] == old["Lorraine"]["left"]
    assert "Lorrayne" in store.get_bytes(f"documents/{doc.id}/text.txt").decode()
    assert found(backends, "Lorrayne") == [doc.id] and found(backends, "Lorraine") == []
    revision = load_manifest(backends, doc.id).revisions[-1]
    assert (revision.action, revision.page, revision.before, revision.after) == ("text", 1, ocr, corrected)


def test_realign_marks_inserted_and_removed_lines() -> None:
    words = [{"text": t, "left": 10 * i, "top": 0, "width": 8, "height": 8, "line": 0}
             for i, t in enumerate(["Số:", "12/QĐ-UBND"])]
    words += [{"text": "Hà", "left": 0, "top": 20, "width": 8, "height": 8, "line": 1}]
    realigned, edited = realign(words, "Số: 12/QĐ-UBND\nHà Nội\nngày 5")
    assert edited == [1, 2]
    assert [w["text"] for w in realigned] == ["Số:", "12/QĐ-UBND", "Hà", "Nội", "ngày", "5"]
    assert realigned[0] == {**words[0], "line": 0}


def test_trash_restore_and_purge_with_a_tombstone(backends, catalog) -> None:
    doc = seed_document(backends, agency="so-a", title="Biên bản họp", pages=["biên bản zqtrashmark"])
    with pytest.raises(ChangeForbidden):
        delete_document(editor(backends, catalog, CLERK), doc.id)
    admin = editor(backends, catalog, ADMIN)
    trashed = delete_document(admin, doc.id, days=30)
    assert trashed.trashed.by == "hoa" and trashed.trashed.purge_after > trashed.trashed.at
    assert found(backends, "zqtrashmark") == []
    rebuild_index(backends)  # the index is derived: a rebuild does not bring trash back
    assert found(backends, "zqtrashmark") == []
    with pytest.raises(ChangeRefused, match="restorable until"):
        purge_document(admin, doc.id)
    restore_document(admin, doc.id)
    assert found(backends, "zqtrashmark") == [doc.id]
    delete_document(admin, doc.id, days=0)
    result = purge_document(admin, doc.id)
    assert result["objects"] >= 5
    assert list(backends.store.list(f"documents/{doc.id}/")) == []
    with pytest.raises(NotFound):
        load_manifest(backends, doc.id)
    assert found(backends, "zqtrashmark") == []
    tombstone = list_audit(catalog, target=doc.id, action="purge")[0].detail["tombstone"]
    assert tombstone["title"] == "Biên bản họp" and tombstone["trashed_by"] == "hoa"


def test_split_and_merge_make_new_documents_pointing_to_the_original_pages(backends, catalog) -> None:
    doc = with_page_pdfs(backends, seed_document(backends, agency="so-a", title="Hai văn bản", pages=[
        "CÔNG VĂN zqfirstmark", "trang hai zqfirstmark", "THÔNG BÁO zqsecondmark"]))
    ed = editor(backends, catalog, CLERK)
    with pytest.raises(ChangeRefused, match="from 2 to 3"):
        split_document(ed, doc.id, 4)
    first, second = split_document(ed, doc.id, 3)
    assert [(p.number, p.source.doc, p.source.page) for p in second.pages] == [(1, doc.id, 3)]
    assert [p.source.page for p in first.pages] == [1, 2] and first.derived_from == [doc.id]
    assert backends.store.get_bytes(page_key(second.id, 1, "txt")).decode() == "THÔNG BÁO zqsecondmark"
    assert backends.store.exists(original_key(original_owner(second), second.original.ext))
    assert backends.store.get_bytes(f"documents/{first.id}/searchable.pdf").startswith(b"%PDF")
    assert load_manifest(backends, doc.id).superseded_by == [first.id, second.id]
    assert sorted(found(backends, "zqfirstmark OR zqsecondmark")) == sorted([first.id, second.id])
    with pytest.raises(ChangeRefused, match="already split"):
        split_document(ed, doc.id, 2)
    with pytest.raises(ChangeForbidden):
        merge_documents(editor(backends, catalog, OTHER_ADMIN), [second.id, first.id])
    merged = merge_documents(ed, [second.id, first.id])
    assert [(p.source.doc, p.source.page) for p in merged.pages] == [(doc.id, 3), (doc.id, 1), (doc.id, 2)]
    assert found(backends, "zqfirstmark") == [merged.id]
    # the source's original file is what the new documents point to: it cannot be purged while they exist
    admin = editor(backends, catalog, ADMIN)
    delete_document(admin, doc.id, days=0)
    with pytest.raises(ChangeRefused, match="point to its original file"):
        purge_document(admin, doc.id)
    assert backends.store.exists(manifest_key(doc.id))


def test_a_document_under_legal_hold_is_not_purged(backends, catalog) -> None:
    """Trash is a correction, destruction is disposition: a document whose dossier is under legal hold stays in
    the trash (restorable) until the hold is lifted."""
    from archives.dossiers import create_dossier
    from archives.holds import lift_hold, set_hold

    admin = editor(backends, catalog, ADMIN)
    create_dossier(admin, "HS-7", "Hồ sơ tranh chấp đất đai", agency="so-a")
    doc = with_page_pdfs(backends, seed_document(backends, agency="so-a", title="Đơn khiếu nại", pages=["đơn"]))
    edit_metadata(admin, doc.id, {"dossier": "HS-7"})
    set_hold(admin, "HS-7", "vụ kiện 12/2026")
    delete_document(admin, doc.id, days=0)
    with pytest.raises(ChangeRefused, match="legal hold"):
        purge_document(admin, doc.id)
    assert backends.store.exists(manifest_key(doc.id))
    lift_hold(admin, "HS-7", "vụ kiện đã xong")
    assert purge_document(admin, doc.id)["id"] == doc.id
