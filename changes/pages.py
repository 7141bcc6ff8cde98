"""Rotate a page or replace it with a rescan. Either way the page goes through the same page pipeline as at ingest
(`ocr.pipeline.run_page`, `workers.pipeline.store_page`) and the document's searchable PDF and text are rebuilt;
the metadata (and any edits) stay. The original file is never changed: a rescan is stored beside it."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from changes.core import ChangeRefused, Editor, change_document, editable_page, revision
from changes.rules import can_edit
from changes.text import resolve_open
from documents.errors import RecordsError, message_of
from documents.model import Manifest, PageSummary, Revision, page_key

ROTATIONS = (90, 180, 270)
CLEANED_DPI = 300  # stored page images are cleaned at (at least) this resolution (ocr.cleanup.upscale)
# What a rotation does not change: the scan's own properties keep their measurements.
SCAN_MEASURES = ("dpi", "sharpness", "paper", "contrast")


def rebuild_document(editor: Editor, manifest: Manifest) -> None:
    """Searchable PDF, whole text and OCR confidence of a document from its stored pages."""
    from workers.pipeline import rebuild_document_objects

    rebuild_document_objects(editor.backends.store, manifest)
    confidences = [p.confidence for p in manifest.pages if p.confidence is not None]
    manifest.metadata.ocr_confidence = round(sum(confidences) / len(confidences), 1) if confidences else None


def _swap_page(editor: Editor, manifest: Manifest, old: PageSummary, out) -> PageSummary:
    """Store the new reading `out` (an `ocr.PageOutput`) as page `old.number`; returns its summary."""
    from workers.pipeline import store_page

    out.number = old.number
    summary = store_page(editor.backends, manifest.id, out)
    manifest.pages[manifest.pages.index(old)] = summary
    return summary


def rotate_page(editor: Editor, doc_id: str, number: int, degrees: int) -> Manifest:
    """Turn page `number` clockwise by `degrees` and read it again (orientation detection off: the person knows)."""
    from ocr.pipeline import DEFAULT_CLEANUP, run_page

    if degrees not in ROTATIONS:
        raise ChangeRefused(f"rotate by 90, 180 or 270 degrees (clockwise), not {degrees}", "c_rotate", degrees=degrees)

    def mutate(manifest: Manifest) -> list[Revision]:
        old = editable_page(manifest, number)
        data = np.frombuffer(editor.backends.store.get_bytes(page_key(doc_id, number, "png")), np.uint8)
        gray = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        turned = np.ascontiguousarray(np.rot90(gray, k=-(degrees // 90)))
        with tempfile.TemporaryDirectory(prefix="records-rotate-") as tmp:
            path = Path(tmp) / "page.png"
            Image.fromarray(turned).save(path, dpi=(CLEANED_DPI, CLEANED_DPI))
            out = run_page(path, "png", 0, manifest.lang if manifest.lang != "auto" else "auto",
                           config=replace(DEFAULT_CLEANUP, orientation=False))
        out.quality.update({k: old.quality[k] for k in SCAN_MEASURES if k in old.quality})
        old_flags = [f for f in old.flags if f.resolution is not None]
        summary = _swap_page(editor, manifest, old, out)
        summary.rotation = (old.rotation + degrees) % 360
        summary.flags = old_flags + summary.flags
        rebuild_document(editor, manifest)
        return [revision(editor, "rotate", before=old.rotation, after=summary.rotation, page=number)]

    return change_document(editor, doc_id, "rotate", can_edit, mutate)


def replace_page(editor: Editor, doc_id: str, number: int, rescan: Path) -> Manifest:
    """Put the rescan `rescan` (an image, or a PDF's first page) in the place of page `number`. The page's open
    flags are resolved `replaced`; the new scan is measured and flagged like any page."""
    from ingest.sniff import sniff
    from ocr.pipeline import process_page

    try:
        kind = sniff(rescan).kind
    except RecordsError as exc:
        raise ChangeRefused(f"the rescan cannot be used: {exc.reason}", "c_rescan_unusable",
                            reason=message_of(exc)) from None
    if kind == "zip":
        raise ChangeRefused("the rescan must be one image or PDF, not a zip archive", "c_rescan_zip")

    def mutate(manifest: Manifest) -> list[Revision]:
        old = editable_page(manifest, number)
        out = process_page(rescan, kind, 0, manifest.lang or "auto", max_pixels=editor.backends.settings.max_pixels)
        key = page_key(doc_id, number, f"rescan.{kind}")
        editor.backends.store.put_file(key, rescan, "application/octet-stream")
        made = resolve_open(editor, manifest, number, None, "replaced")
        resolved = [f for f in old.flags if f.resolution is not None]
        summary = _swap_page(editor, manifest, old, out)
        summary.flags = resolved + summary.flags
        rebuild_document(editor, manifest)
        return [revision(editor, "replace_page", before=old.confidence, after=key, page=number), *made]

    return change_document(editor, doc_id, "replace_page", can_edit, mutate)
