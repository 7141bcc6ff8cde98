"""Find where a scanned file holds several documents: pages that open with a document header of their own."""

from __future__ import annotations

import re

from metadata.digits import fold, normalize_text
from metadata.english import parse_header as english_header
from metadata.vietnamese import parse_header as vietnamese_header

_VI_MOTTO = re.compile(r"c[o0]ng\s*h[o0]a\s*x[a4]\s*h[o0]i")
_TOP_LINES = 12


def document_starts(pages: list[str], language: str | None) -> list[int]:
    """0-based indexes of the pages that start a document; always begins with 0 (if there are pages).

    A later page starts a new document when its top carries a full header: for Vietnamese the national
    title and a document number ("Số: ..."), for English a kind line and a document number.
    """
    starts = [0] if pages else []
    for i, page in enumerate(pages[1:], start=1):
        top = [ln for ln in normalize_text(page).splitlines() if ln.strip()][:_TOP_LINES]
        if language == "vie":
            if any(_VI_MOTTO.search(fold(ln)) for ln in top) and vietnamese_header(top).number:
                starts.append(i)
        elif language == "eng":
            head = english_header(top)
            if head.number and head.doc_type and head.title:
                starts.append(i)
    return starts
