"""Pipeline stages over one stored document: store each page's results, then assemble the document.

These are plain functions of (backends, document id, data). The in-process pool and the RQ workers
call the same functions, so either queue gives the same stored result. Every stage overwrites its own
outputs, so re-running a stage (after a crash or a retry) is harmless.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from dataclasses import asdict, dataclass

from documents.errors import NotFound, ProcessingFailed
from documents.model import (
    PIPELINE_VERSION,
    Manifest,
    Metadata,
    PageSummary,
    derivative_key,
    manifest_key,
    now_iso,
    page_from_dict,
    page_key,
)
from workers.services import Services

log = logging.getLogger("records.pipeline")

TERMINAL = ("processed", "failed")


def load_manifest(backends: Services, doc_id: str) -> Manifest:
    """The stored manifest of `doc_id` (raises NotFound)."""
    return Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))


def save_manifest(backends: Services, manifest: Manifest) -> None:
    """Write the manifest back, stamping the update time."""
    manifest.updated_at = now_iso()
    backends.store.put_json(manifest_key(manifest.id), manifest.to_dict())


def put_hashed(store, key: str, data: bytes, content_type: str) -> str:
    """Store `data` and return its sha256 (recorded in the manifest so `records verify` can find damage)."""
    store.put_bytes(key, data, content_type)
    return hashlib.sha256(data).hexdigest()


def page_objects(page) -> list[tuple[str, bytes, str]]:
    """A page's derivatives as (suffix, bytes, content type): cleaned image, thumbnail, text, word boxes, PDF."""
    return [("png", page.png, "image/png"), ("thumb.jpg", page.thumb, "image/jpeg"),
            ("txt", page.text.encode(), "text/plain; charset=utf-8"),
            ("words.json", json.dumps(page.words, ensure_ascii=False).encode(), "application/json"),
            ("pdf", page.pdf, "application/pdf")]


def document_objects(texts: list[str], page_pdfs: list[bytes], manifest: Manifest) -> list[tuple[str, bytes, str]]:
    """A document's whole derivatives from its pages: the searchable PDF (PDF/A) and the full text."""
    from ocr import merge_pdfs

    return [("searchable.pdf", _archival(merge_pdfs(page_pdfs), manifest), "application/pdf"),
            ("text.txt", "\n\f\n".join(texts).encode(), "text/plain; charset=utf-8")]


def rebuild_document_objects(store, manifest: Manifest) -> None:
    """The searchable PDF and full text again from the stored pages (which hold any corrections), their hashes
    recorded in the manifest (saved by the caller)."""
    texts = [store.get_bytes(page_key(manifest.id, p.number, "txt")).decode() for p in manifest.pages]
    pdfs = [store.get_bytes(page_key(manifest.id, p.number, "pdf")) for p in manifest.pages]
    manifest.derivatives = {name: put_hashed(store, derivative_key(manifest.id, name), data, kind)
                            for name, data, kind in document_objects(texts, pdfs, manifest)}


def store_page(backends: Services, doc_id: str, page) -> PageSummary:
    """Store one page's derivatives (cleaned image, thumbnail, text, word boxes, one-page PDF) and its summary.

    `page` is an `ocr.PageOutput`.
    """
    from ocr.quality import assess  # imported here: importing ocr/ costs every command 0.25 s, most never read

    n = page.number
    hashes = {what: put_hashed(backends.store, page_key(doc_id, n, what), data, kind)
              for what, data, kind in page_objects(page)}
    summary = PageSummary(number=n, method=page.method, lang=page.lang or page.language, width=page.width,
                          height=page.height, confidence=page.confidence, rotation=page.rotation,
                          skew=round(page.skew, 2), chars=len(page.text), seconds=round(page.seconds, 3),
                          quality=dict(getattr(page, "quality", None) or {}), sha256=hashes,
                          language_choice=getattr(page, "language_choice", {}))
    summary.blank, summary.flags = assess(summary.quality, language=page.language)
    backends.store.put_json(page_key(doc_id, n, "json"), {**asdict(summary), "language": page.language})
    log.info(json.dumps({"event": "page", "doc": doc_id, "page": n, "method": page.method, "lang": summary.lang,
                         "seconds": summary.seconds, "confidence": summary.confidence}))
    return summary


def _document_language(page_infos: list[dict]) -> str | None:
    """The language holding most characters across pages."""
    weight: Counter[str] = Counter()
    for info in page_infos:
        if info.get("language"):
            weight[info["language"]] += max(1, info.get("chars", 0))
    return weight.most_common(1)[0][0] if weight else None


def _apply_supplied(manifest: Manifest, extracted: Metadata) -> None:
    """Values supplied at import win over extracted ones; record where each field came from."""
    manifest.metadata = extracted
    manifest.metadata_source = {name: "extracted" for name in asdict(extracted)}
    for name, value in manifest.supplied.items():
        if name in Metadata.__dataclass_fields__ and value not in (None, ""):
            setattr(manifest.metadata, name, value)
            manifest.metadata_source[name] = "manifest"


@dataclass
class Assembled:
    """A document combined from its stored pages, its derivatives stored, not yet indexed nor recorded processed."""

    manifest: Manifest
    texts: list[str]
    started: float  # time.monotonic() when its assembly began


def assemble(backends: Services, doc_id: str, page_count: int) -> Manifest:
    """Combine stored pages into the document: searchable PDF, full text, metadata, manifest, index entry."""
    done = combine(backends, doc_id, page_count)
    publish(backends, [done])
    return done.manifest


def combine(backends: Services, doc_id: str, page_count: int) -> Assembled:
    """The first half of `assemble`: the searchable PDF, full text and metadata from the stored pages (the
    derivatives are stored; the manifest is not saved)."""
    from metadata import extract_metadata

    started = time.monotonic()
    store = backends.store
    manifest = load_manifest(backends, doc_id)
    infos = [store.get_json(page_key(doc_id, n, "json")) for n in range(1, page_count + 1)]
    texts = [store.get_bytes(page_key(doc_id, n, "txt")).decode() for n in range(1, page_count + 1)]
    pdfs = [store.get_bytes(page_key(doc_id, n, "pdf")) for n in range(1, page_count + 1)]

    confidences = [i["confidence"] for i in infos if i.get("confidence") is not None]
    ocr_confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    extracted = extract_metadata(texts, _document_language(infos), ocr_confidence=ocr_confidence)
    _apply_supplied(manifest, extracted)
    manifest.derivatives = {name: put_hashed(store, derivative_key(doc_id, name), data, kind)
                            for name, data, kind in document_objects(texts, pdfs, manifest)}
    manifest.pages = [page_from_dict(i) for i in infos]
    manifest.set_error("processed", None)
    manifest.pipeline_version = PIPELINE_VERSION
    return Assembled(manifest, texts, started)


def publish(backends: Services, documents: list[Assembled]) -> None:
    """The second half of `assemble`, for several documents at once: index them in one commit (a tantivy commit
    costs about 0.02 CPU-s, whatever it holds), then record each processed.

    Index first, then record `processed`: a crash in between leaves documents that are re-run (and re-indexed,
    idempotently), never one that the store calls processed but search cannot find."""
    backends.index.upsert([index_doc_for(d.manifest, d.texts, dossier_title(backends, d.manifest.dossier))
                           for d in documents])
    for done in documents:
        save_manifest(backends, done.manifest)
        _sync_marks(backends, done.manifest)
        log.info(json.dumps({"event": "assemble", "doc": done.manifest.id, "pages": len(done.texts),
                             "seconds": round(time.monotonic() - done.started, 3)}))


def _sync_marks(backends: Services, manifest: Manifest) -> None:
    from changes.marks import sync  # imported here: changes/ builds on this module

    sync(backends.store, manifest)


def _archival(pdf: bytes, manifest: Manifest) -> bytes:
    """The searchable PDF as PDF/A-2b (archives.pdfa; about 2 ms a document). Should the conversion fail, the
    plain PDF is kept (the export converts again) rather than failing the document."""
    from archives.pdfa import to_pdfa

    try:
        return to_pdfa(pdf, title=manifest.metadata.title, language=manifest.metadata.language,
                       author=manifest.metadata.issuing_body)
    except ProcessingFailed as exc:
        log.warning(json.dumps({"event": "pdfa_failed", "doc": manifest.id, "reason": exc.reason}))
        return pdf


def fail(backends: Services, doc_id: str, reason: str, message: dict | None = None) -> Manifest:
    """Record that the document failed, with a reason a clerk can act on (and its keyed message, for the UI)."""
    manifest = load_manifest(backends, doc_id)
    manifest.set_error("failed", reason, message)
    save_manifest(backends, manifest)
    log.warning(json.dumps({"event": "failed", "doc": doc_id, "reason": reason}, ensure_ascii=False))
    return manifest


def index_doc_for(manifest: Manifest, texts: list[str], dossier_title: str | None = None):
    """The search-index view of a processed document (`index.base.IndexDoc`)."""
    from index.base import IndexDoc, IndexedPage

    md = manifest.metadata
    return IndexDoc(
        id=manifest.id, agency=manifest.agency, visibility=manifest.visibility,
        shared_with=list(manifest.shared_with), title=md.title, doc_type=md.doc_type or "other",
        doc_number=md.doc_number, issued_date=md.issued_date, language=md.language,
        issuing_body=md.issuing_body, dossier=manifest.dossier, dossier_title=dossier_title,
        tags=list(manifest.tags), created_at=manifest.created_at,
        pages=[IndexedPage(number=i + 1, text=t) for i, t in enumerate(texts)],
    )


def page_texts(backends: Services, manifest: Manifest) -> list[str]:
    """The stored text of every page of a processed document."""
    return [backends.store.get_bytes(page_key(manifest.id, p.number, "txt")).decode() for p in manifest.pages]


def index_document(backends: Services, manifest: Manifest, texts: list[str] | None = None) -> None:
    """(Re)index one processed document from its manifest and page texts."""
    if texts is None:
        texts = page_texts(backends, manifest)
    backends.index.upsert([index_doc_for(manifest, texts, dossier_title(backends, manifest.dossier))])


def dossier_title(backends: Services, dossier: str | None) -> str | None:
    """The title of a dossier, if the document belongs to one and it is stored."""
    if not dossier:
        return None
    try:
        return backends.store.get_json(f"dossiers/{dossier}.json").get("title")
    except NotFound:
        return None


def set_visibility(doc_id: str, visibility: str, shared_with: list[str], backends: Services) -> Manifest:
    """Change who may see a document: the manifest (system of record) first, then the index."""
    from documents.model import VISIBILITIES

    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    manifest = load_manifest(backends, doc_id)
    manifest.visibility = visibility
    manifest.shared_with = sorted(set(shared_with)) if visibility == "shared" else []
    save_manifest(backends, manifest)
    if manifest.status == "processed":
        index_document(backends, manifest)
    return manifest
