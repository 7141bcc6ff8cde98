"""Mending what `records verify` found: derivatives are re-derived from the original (never the other way round),
whole-document derivatives rebuilt from the pages, and the index brought back in line with the manifests."""

from __future__ import annotations

import tempfile
from pathlib import Path

from documents.errors import NotFound
from documents.model import Manifest, original_key, page_key
from workers.pipeline import index_document, page_objects, put_hashed, rebuild_document_objects, save_manifest


def rederive_pages(backends, manifest: Manifest, damaged: dict[int, set[str]]) -> None:
    """Run the damaged pages through the pipeline again from the original and rewrite the damaged objects
    (recording their new hashes). Raises RecordsError when a page cannot be processed."""
    from ocr import process_page

    store = backends.store
    with tempfile.TemporaryDirectory(prefix="records-repair-") as tmp:
        local = store.get_file(original_key(manifest.id, manifest.original.ext),
                               Path(tmp) / f"original.{manifest.original.ext}")
        for number, whats in sorted(damaged.items()):
            page = manifest.pages[number - 1]
            output = process_page(local, manifest.original.kind, number - 1, manifest.lang,
                                  max_pixels=backends.settings.max_pixels)
            for what, data, kind in page_objects(output):
                if what in whats:
                    page.sha256[what] = put_hashed(store, page_key(manifest.id, number, what), data, kind)
            _update_page_summary(store, manifest.id, number, page.sha256)


def _update_page_summary(store, doc_id: str, number: int, hashes: dict[str, str]) -> None:
    """Keep the page's own summary (`NNNN.json`, read when a document is assembled again) in step."""
    key = page_key(doc_id, number, "json")
    try:
        info = store.get_json(key)
    except NotFound:
        return
    info["sha256"] = dict(hashes)
    store.put_json(key, info)


def repair_document(backends, manifest: Manifest, damaged_pages: dict[int, set[str]], whole: bool,
                    reindex: bool) -> None:
    """Apply every repair one document needs, save its manifest, then reindex it."""
    if damaged_pages:
        rederive_pages(backends, manifest, damaged_pages)
    if whole or any(w & {"txt", "pdf"} for w in damaged_pages.values()):
        rebuild_document_objects(backends.store, manifest)
    save_manifest(backends, manifest)
    if reindex or any("txt" in w for w in damaged_pages.values()):
        index_document(backends, manifest)

