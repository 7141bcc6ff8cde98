"""Metadata of one document from its pages' text: the pipeline's entry point into this package."""

from __future__ import annotations

import logging

from documents.model import DOC_TYPES, Metadata
from metadata.arabic_script import parse_header as arabic_script_header
from metadata.bundles import document_starts
from metadata.dates import find_dates
from metadata.digits import normalize_text, repair_separators
from metadata.doctype import self_reference_kind
from metadata.english import parse_header as english_header
from metadata.issued import ordered_dates
from metadata.language import resolve_language
from metadata.vietnamese import parse_header as vietnamese_header

log = logging.getLogger(__name__)


def extract_metadata(pages: list[str], language: str | None, *, ocr_confidence: float | None = None) -> Metadata:
    """Read title, kind, number, dates, issuing body and language off a document's page texts.

    Args:
        pages: text of each page in reading order (OCR output or a text layer; Arabic/Urdu in logical order).
        language: the document's language ("vie", "eng", "urd", "ara", or a Tesseract list like "vie+eng"),
            or None to detect it from the text.
        ocr_confidence: mean OCR word confidence, passed through into the result.

    Returns:
        A `Metadata`; fields that cannot be read are None (`doc_type` "other"). When the file bundles several
        documents (a later page opens with a header of its own), the fields describe the first one.
    """
    texts = [normalize_text(p or "") for p in pages]
    lang = resolve_language(language, "\n".join(texts))
    starts = document_starts(texts, lang)
    first = texts[: starts[1]] if len(starts) > 1 else texts
    if len(starts) > 1:
        log.info("pages %s start further documents; metadata describes pages 1-%d", starts[1:], starts[1])
    text = "\n".join(first)
    lines = text.splitlines()

    if lang == "vie":
        head = vietnamese_header(lines)
    elif lang in ("urd", "ara"):
        text = repair_separators(text)
        lines = text.splitlines()
        head = arabic_script_header(lines, lang)
    else:
        head = english_header(lines)
    doc_type = head.doc_type or (self_reference_kind(text, lang) if lang else None) or "other"
    if doc_type not in DOC_TYPES:  # the keyword tables only name known types; guard against drift
        doc_type = "other"

    dates = ordered_dates(text, find_dates(text))
    return Metadata(
        title=head.title,
        doc_type=doc_type,
        doc_number=head.number,
        issued_date=dates[0] if dates else None,
        dates=dates,
        issuing_body=head.issuing_body,
        language=lang,
        page_count=len(pages),
        ocr_confidence=ocr_confidence,
    )
