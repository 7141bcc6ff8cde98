"""The first stage of a document: fetch its original and validate it, giving the page count."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from documents.model import original_key
from workers.pipeline import load_manifest, save_manifest
from workers.services import Services


@dataclass(frozen=True)
class PageWork:
    """Everything one page job needs; plain and picklable."""

    doc_id: str
    path: str
    kind: str
    index: int  # 0-based
    lang: str
    max_pixels: int


def start_document(backends: Services, doc_id: str, scratch: Path) -> list[PageWork]:
    """Mark the document processing, copy its original to `scratch`, count its pages.

    Raises `documents.errors.RejectedInput` when the file cannot be opened as a document.
    """
    from ocr import count_pages

    manifest = load_manifest(backends, doc_id)
    manifest.set_error("processing", None)
    save_manifest(backends, manifest)
    local = backends.store.get_file(original_key(doc_id, manifest.original.ext),
                                    scratch / f"{doc_id}.{manifest.original.ext}")
    settings = backends.settings
    pages = count_pages(local, manifest.original.kind, max_pixels=settings.max_pixels, max_pages=settings.max_pages)
    return [PageWork(doc_id, str(local), manifest.original.kind, i, manifest.lang, settings.max_pixels)
            for i in range(pages)]


def ocr_page(work: PageWork):
    """Run one page through cleanup and OCR (in a worker process). Returns `ocr.PageOutput`."""
    from ocr import process_page

    return process_page(Path(work.path), work.kind, work.index, work.lang, max_pixels=work.max_pixels)
