"""Split a document at a page, or merge documents. Originals are never changed: the result is new documents whose
pages point to the original file and page they come from (`PageSource`); the documents split or merged stay in the
store with `superseded_by` naming the new ones, and leave search."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from changes import marks
from changes.core import ChangeRefused, Editor, change_document, check_editable, revision
from changes.pages import rebuild_document
from changes.rules import can_edit
from documents.errors import NotFound
from documents.model import (
    Manifest,
    PageSource,
    PageSummary,
    Revision,
    document_id,
    now_iso,
    page_from_dict,
    page_key,
)
from workers.pipeline import index_document, load_manifest, page_texts, save_manifest

PAGE_OBJECTS = ("png", "thumb.jpg", "txt", "words.json", "pdf", "ocr.txt", "ocr.words.json")


def suggest_split(backends, manifest: Manifest) -> list[int]:
    """Pages (1-based) where the metadata extractor sees a further document begin (its own header and number)."""
    from metadata.bundles import document_starts

    if manifest.status != "processed" or len(manifest.pages) < 2:
        return []
    return [start + 1 for start in document_starts(page_texts(backends, manifest), manifest.metadata.language)[1:]]


def original_owner(manifest: Manifest) -> str:
    """The document whose stored original holds this document's first page (itself unless split or merged)."""
    if manifest.pages and manifest.pages[0].source is not None:
        return manifest.pages[0].source.doc
    return manifest.id


def _new_document(editor: Editor, sources: list[tuple[Manifest, PageSummary]], key: str, action: str) -> Manifest:
    """A new processed document made of the given (document, page) pairs, in order; stored and indexed."""
    from metadata import extract_metadata

    store = editor.backends.store
    first = sources[0][0]
    digest = hashlib.sha256(key.encode()).hexdigest()
    new_id = document_id(digest, first.agency)
    pages = []
    for number, (doc, page) in enumerate(sources, start=1):
        for what in PAGE_OBJECTS:
            try:
                store.put_bytes(page_key(new_id, number, what), store.get_bytes(page_key(doc.id, page.number, what)))
            except NotFound:
                continue
        copy = page_from_dict({**asdict(page), "number": number})
        copy.source = page.source or PageSource(doc=doc.id, page=page.number)
        store.put_json(page_key(new_id, number, "json"), {**asdict(copy), "language": doc.metadata.language})
        pages.append(copy)
    manifest = Manifest(id=new_id, agency=first.agency, original=first.original, visibility=first.visibility,
                        shared_with=list(first.shared_with), status="processed", lang=first.lang, batch=first.batch,
                        dossier=first.dossier, tags=list(dict.fromkeys(t for d, _ in sources for t in d.tags)),
                        pages=pages, created_at=now_iso(), derived_from=list(dict.fromkeys(d.id for d, _ in sources)))
    texts = page_texts(editor.backends, manifest)
    confidences = [p.confidence for p in pages if p.confidence is not None]
    manifest.metadata = extract_metadata(texts, first.metadata.language,
                                         ocr_confidence=round(sum(confidences) / len(confidences), 1)
                                         if confidences else None)
    manifest.metadata_source = {name: "extracted" for name in manifest.metadata.__dict__}
    manifest.revisions.append(revision(editor, action, before=manifest.derived_from,
                                       after=[f"{d.id}:{p.number}" for d, p in sources]))
    rebuild_document(editor, manifest)
    save_manifest(editor.backends, manifest)
    marks.sync(editor.backends.store, manifest)
    index_document(editor.backends, manifest, texts)
    editor.audit(f"{action}.create", new_id, manifest.agency, derived_from=manifest.derived_from,
                 pages=len(pages))
    return manifest


def split_document(editor: Editor, doc_id: str, at: int) -> list[Manifest]:
    """Two new documents: pages 1..at-1 and at..end of `doc_id`."""
    made: list[Manifest] = []

    def mutate(manifest: Manifest) -> list[Revision]:
        check_editable(manifest)
        if not 2 <= at <= len(manifest.pages):
            raise ChangeRefused(f"split at a page from 2 to {len(manifest.pages)}: the second document's first page",
                                "c_split_at", max=len(manifest.pages))
        pages = manifest.pages
        for part in (pages[: at - 1], pages[at - 1:]):
            key = f"split:{manifest.id}:{part[0].number}-{part[-1].number}"
            made.append(_new_document(editor, [(manifest, p) for p in part], key, "split"))
        manifest.superseded_by = [m.id for m in made]
        return [revision(editor, "split", before=None, after=manifest.superseded_by, page=at)]

    change_document(editor, doc_id, "split", can_edit, mutate, reindex=False)
    editor.backends.index.delete([doc_id])
    return made


def merge_documents(editor: Editor, doc_ids: list[str]) -> Manifest:
    """One new document of the pages of `doc_ids`, in that order (all of one agency)."""
    if len(doc_ids) < 2 or len(set(doc_ids)) != len(doc_ids):
        raise ChangeRefused("merge needs two or more different documents", "c_merge_two")
    manifests = [load_manifest(editor.backends, d) for d in doc_ids]
    for m in manifests:
        check_editable(m)
    if len({m.agency for m in manifests}) > 1:
        raise ChangeRefused("only documents of one agency can be merged", "c_merge_one_agency")
    key = "merge:" + "+".join(doc_ids)
    result: list[Manifest] = []

    def mutate_first(manifest: Manifest) -> list[Revision]:
        merged = _new_document(editor, [(m, p) for m in manifests for p in m.pages], key, "merge")
        result.append(merged)
        manifest.superseded_by = [merged.id]
        return [revision(editor, "merge", after=merged.id)]

    # Every document must be changeable by the editor before anything is made.
    for m in manifests[1:]:
        if not can_edit(editor.principal, m):
            change_document(editor, m.id, "merge", can_edit, lambda _m: [])  # raises and audits the refusal
    change_document(editor, doc_ids[0], "merge", can_edit, mutate_first, reindex=False)
    for m in manifests[1:]:
        change_document(editor, m.id, "merge", can_edit,
                        lambda mf: _supersede(editor, mf, result[0].id), reindex=False)
    editor.backends.index.delete(doc_ids)
    return result[0]


def _supersede(editor: Editor, manifest: Manifest, by: str) -> list[Revision]:
    manifest.superseded_by = [by]
    return [revision(editor, "merge", after=by)]
