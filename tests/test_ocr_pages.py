"""process_page on real sample scans and PDFs: expected words found, text layers kept, mixed PDFs per page."""

from __future__ import annotations

import io
import pickle
import shutil
import threading
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from documents.errors import RejectedInput
from ocr import PageOutput, count_pages, detect_language, merge_pdfs, process_page
from ocr.language import URDU_MODEL
from ocr.sources import open_pdf
from tests.conftest import REALWORLD, SAMPLES


def _pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_bounded() for i in range(len(doc)))


def test_text_layer_pdf_is_kept_without_ocr() -> None:
    page = process_page(SAMPLES / "s_vi_04.pdf", "pdf", 0)
    assert page.method == "text_layer" and page.lang == "" and page.confidence is None
    assert page.language == "vie" and page.script == "Latin"
    assert "342/SNV-VTLT" in page.text and "Khánh Hòa" in page.text
    assert any(w["text"] == "342/SNV-VTLT" for w in page.words)
    for word in page.words:  # boxes lie on the rendered page
        assert 0 <= word["left"] < page.width and 0 <= word["top"] < page.height and word["conf"] == 100
    assert "342/SNV-VTLT" in _pdf_text(page.pdf)
    assert Image.open(io.BytesIO(page.png)).size == (page.width, page.height)


def test_text_layer_page_image_keeps_its_colour() -> None:
    """Colour (logos, links, seals) stays on the page image and thumbnail; a page of black text is stored grey."""
    coloured = process_page(REALWORLD / "paperless-ngx" / "invalid_pdf.pdf", "pdf", 1)
    assert coloured.method == "text_layer"
    for data in (coloured.png, coloured.thumb):
        pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)
        assert ((pixels.max(axis=2) - pixels.min(axis=2)) > 64).sum() > 20  # the blue logo and link, the yellow box
    assert Image.open(io.BytesIO(coloured.thumb)).size[0] == 240  # scaled down from the page image
    grey = process_page(SAMPLES / "s_vi_04.pdf", "pdf", 0)
    assert Image.open(io.BytesIO(grey.png)).mode == "L" and Image.open(io.BytesIO(grey.thumb)).mode == "L"


def test_pdf_kept_open_between_pages_is_opened_anew_when_the_file_changes(tmp_path: Path) -> None:
    """A worker's next page of the same file reuses the open document; a file rewritten at that path is read anew."""
    path = tmp_path / "document.pdf"
    shutil.copy(SAMPLES / "s_vi_04.pdf", path)
    assert "342/SNV-VTLT" in process_page(path, "pdf", 0).text
    assert open_pdf(path) is open_pdf(path)
    shutil.copy(SAMPLES / "s_en_02.pdf", path)
    page = process_page(path, "pdf", 0)
    assert "RECORDS MANAGEMENT COMMITTEE" in page.text and "342/SNV-VTLT" not in page.text


def test_a_pdf_kept_open_by_one_thread_is_not_closed_by_another() -> None:
    """Each thread keeps its own last PDF: the server rebuilding a page on one request thread does not close the
    document another thread is reading."""
    mine = open_pdf(SAMPLES / "s_vi_04.pdf")
    theirs = threading.Thread(target=lambda: open_pdf(SAMPLES / "s_en_02.pdf"))
    theirs.start()
    theirs.join()
    assert mine.raw and len(mine) == 1 and "342/SNV-VTLT" in mine[0].get_textpage().get_text_range()
    assert open_pdf(SAMPLES / "s_vi_04.pdf") is mine


def test_skewed_scan_pdf_is_deskewed_and_read() -> None:
    page = process_page(SAMPLES / "s_en_03.pdf", "pdf", 0)
    assert page.method == "ocr" and page.script == "Latin" and page.language == "eng"
    assert page.skew == pytest.approx(7.47, abs=0.5)
    assert "BL-24-03317" in page.text and "Tannenbaum" in page.text
    assert page.confidence is not None and page.confidence > 80
    assert "Tannenbaum" in _pdf_text(page.pdf)  # searchable PDF carries the OCR text


def test_upside_down_english_jpeg_is_turned_and_read() -> None:
    page = process_page(SAMPLES / "s_en_04.jpg", "jpeg", 0)
    assert page.rotation == 180
    assert "CERTIFICATE" in page.text.upper()
    assert page.language == "eng"


def test_arabic_page_picks_arabic_model() -> None:
    page = process_page(SAMPLES / "s_ar_02.tif", "tiff", 0)
    assert page.rotation == 270
    assert page.lang == "ara" and page.language == "ara" and page.script == "Arabic"
    assert "وزارة" in page.text or "إشعار" in page.text


def test_urdu_page_picks_urdu_model() -> None:
    page = process_page(SAMPLES / "s_ur_01.png", "png", 0)
    assert page.lang == URDU_MODEL and page.language == "urd" and page.script == "Arabic"  # the model trained here
    assert "کے" in page.text.split()


def test_fixed_language_skips_detection() -> None:
    page = process_page(SAMPLES / "s_vi_02.jpg", "jpeg", 0, lang="vie")
    assert page.lang == "vie" and page.language == "vie"
    assert "THÔNG BÁO" in page.text


def test_two_page_tiff_second_page() -> None:
    assert count_pages(SAMPLES / "s_vi_03.tif", "tiff") == 2
    page = process_page(SAMPLES / "s_vi_03.tif", "tiff", 1)
    assert page.number == 2
    assert "87/TB-UBND" in page.text


def test_mixed_pdf_is_decided_page_by_page() -> None:
    path = REALWORLD / "paperless-ngx" / "multi-page-mixed.pdf"
    assert count_pages(path, "pdf") == 6
    scanned, digital = process_page(path, "pdf", 0), process_page(path, "pdf", 3)
    assert scanned.method == "ocr" and "page 1" in scanned.text.lower()
    assert digital.method == "text_layer" and "Page 4" in digital.text


def test_garbage_text_layers_are_ocred_instead() -> None:
    for name in ("truetype_font_nomapping.pdf", "type3_font_nomapping.pdf"):
        page = process_page(REALWORLD / "ocrmypdf" / name, "pdf", 0)
        assert page.method == "ocr", name


def test_visually_reversed_rtl_text_layer_is_ocred() -> None:
    path = REALWORLD / "paperless-ngx" / "rtl-test.pdf"
    assert "ةرازو" in pdfium.PdfDocument(path)[0].get_textpage().get_text_bounded()  # stored reversed
    page = process_page(path, "pdf", 0)
    assert page.method == "ocr"
    assert "ةرازو" not in page.text


def test_page_output_is_picklable_and_derivatives_decode() -> None:
    page = process_page(SAMPLES / "s_en_01.png", "png", 0, lang="eng")
    clone = pickle.loads(pickle.dumps(page))
    assert isinstance(clone, PageOutput) and clone.text == page.text
    assert Image.open(io.BytesIO(page.png)).size == (page.width, page.height)
    assert Image.open(io.BytesIO(page.thumb)).size[0] == 240
    assert page.words and all(set(w) == {"text", "left", "top", "width", "height", "conf", "line"} for w in page.words)
    assert [w["line"] for w in page.words] == sorted(w["line"] for w in page.words)  # numbered in reading order


def test_merge_pdfs_keeps_every_page_and_its_text() -> None:
    first = process_page(SAMPLES / "s_vi_04.pdf", "pdf", 0).pdf
    second = process_page(SAMPLES / "s_en_02.pdf", "pdf", 0).pdf
    merged = merge_pdfs([first, second])
    assert len(pdfium.PdfDocument(merged)) == 2
    text = _pdf_text(merged)
    assert "342/SNV-VTLT" in text and "RECORDS MANAGEMENT COMMITTEE" in text


def test_page_out_of_range_is_rejected() -> None:
    with pytest.raises(RejectedInput, match="does not exist"):
        process_page(SAMPLES / "s_en_01.png", "png", 3)


@pytest.mark.parametrize(("text", "expected"), [
    ("Nguyễn Đức Thanh, Ủy ban nhân dân phường", "vie"),
    ("Minutes of the records committee", "eng"),
    ("یہ زمین کا ریکارڈ ہے اور اس میں کوئی تبدیلی نہیں", "urd"),
    ("وزارة الداخلية إشعار تسجيل الأراضي في المنطقة", "ara"),
    ("12345 ---", None),
])
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected
