"""The in-process libtesseract read gives what the `tesseract` program gives, on every scanned sample page.

Each page is loaded and cleaned as the pipeline does, then read with the models the pipeline chooses, once through
the library (the default) and once through the program (RECORDS_OCR_ENGINE=program, the fallback): text, word boxes,
confidences, the "." / "," boxes from hOCR and the searchable PDF must be the same.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from documents.errors import ProcessingFailed
from ocr import pipeline, tesseract
from ocr.language import script_of_language
from ocr.sources import load_image_page, open_pdf, render_pdf_page
from tests.conftest import SAMPLES

KINDS = {".png": "png", ".jpg": "jpeg", ".tif": "tiff", ".pdf": "pdf"}


def _scanned_pages() -> list[tuple[str, int]]:
    pages = []
    for meta_path in sorted(SAMPLES.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta["format"] != "pdf_text":
            name = meta_path.name.removesuffix(".meta.json")
            [file] = [p for p in SAMPLES.glob(name + ".*") if p.suffix in KINDS]
            pages += [(file.name, i) for i in range(int(meta["pages"]))]
    return pages


def _cleaned(name: str, index: int):
    path = SAMPLES / name
    if path.suffix == ".pdf":
        doc = open_pdf(path)
        try:
            gray, scale = render_pdf_page(doc, index, 200_000_000, drop_colour=True)
        finally:
            doc.close()
        dpi = scale * 72.0
    else:
        raw = load_image_page(path, KINDS[path.suffix], index, 200_000_000, drop_colour=True)
        gray, dpi = raw.gray, raw.dpi
    return pipeline.clean(gray, dpi, pipeline.DEFAULT_CLEANUP)


def _without_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)


PAGES = _scanned_pages()


def test_every_scanned_sample_page_is_compared() -> None:
    assert len(PAGES) >= 11, f"scanned sample pages not found under {SAMPLES} (set RECORDS_SHARED)"


@pytest.mark.parametrize(("name", "index"), PAGES)
def test_library_read_equals_program_read(name: str, index: int, monkeypatch) -> None:
    cleaned = _cleaned(name, index)
    dpi = tesseract.image_dpi(cleaned.dpi)
    monkeypatch.setenv("RECORDS_OCR_ENGINE", "library")
    langs = pipeline._choose_langs(cleaned).langs
    arabic = script_of_language(langs) == "Arabic"
    png = pipeline.encode_png(cleaned.image, bilevel=True)
    results = {}
    for engine in ("library", "program"):
        monkeypatch.setenv("RECORDS_OCR_ENGINE", engine)
        results[engine] = tesseract.ocr(cleaned.image, langs, dpi, png=png, mark_boxes=arabic)
    library, program = results["library"], results["program"]
    assert len(library.text) > 100, f"{name} page {index + 1} read as nearly empty with {langs}"
    assert library.text == program.text
    assert library.words == program.words  # boxes and confidences
    assert library.confidence == program.confidence
    assert library.mark_boxes == program.mark_boxes
    assert _without_dates(library.pdf) == _without_dates(program.pdf)


def test_unknown_engine_is_refused_with_the_choices(monkeypatch) -> None:
    monkeypatch.setenv("RECORDS_OCR_ENGINE", "cuneiform")
    with pytest.raises(ProcessingFailed, match="library, program"):
        tesseract.ocr(np.full((100, 100), 255, np.uint8), "eng", 300)
