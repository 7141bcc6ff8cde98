"""PDF derivatives: one original page as its own PDF, and merging one-page PDFs into a document."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from documents.errors import ProcessingFailed


def merge_pdfs(pages: list[bytes]) -> bytes:
    """Join single-page PDFs (in order) into one searchable PDF.

    Raises:
        ProcessingFailed: when there are no pages or one of them is not a PDF.
    """
    if not pages:
        raise ProcessingFailed("There are no page PDFs to merge.", "r_merge_none")
    writer = PdfWriter()
    for number, data in enumerate(pages, 1):
        try:
            writer.append(PdfReader(io.BytesIO(data)))
        except (PyPdfError, ValueError, OSError, KeyError) as exc:
            raise ProcessingFailed(f"The PDF of page {number} cannot be merged: {exc}", "r_merge_page", page=number,
                                   detail=str(exc)) from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_page(doc: pdfium.PdfDocument, index: int) -> bytes:
    """Page `index` of an open PDF as a standalone one-page PDF (its text layer kept as is)."""
    single = pdfium.PdfDocument.new()
    try:
        single.import_pages(doc, [index])
        out = io.BytesIO()
        single.save(out)
        return out.getvalue()
    finally:
        single.close()
