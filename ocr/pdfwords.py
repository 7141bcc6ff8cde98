"""Word boxes of a born-digital page's text layer, from pdfium's character boxes (about 2 ms a page; pdfplumber took
about 80 ms, the most expensive part of a text-layer page)."""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def words_in_pixels(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, scale: float) -> list[dict] | None:
    """Words (runs of non-space characters, in the text layer's order) with boxes in the pixels of the page
    rendered at `scale` px per point (its /Rotate applied, as `page.render` does); None when pdfium's characters do
    not line up with its text (then the caller takes another route)."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count > 0 else ""
    if len(text) != count:
        return None
    width, height = (round(v * scale) for v in page.get_size())
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    # Loose boxes: the font's ascent to descent, so every word on a line gets the same height (as pdfplumber's did).
    charbox, raw = pdfium_c.FPDFText_GetLooseCharBox, textpage.raw
    words: list[dict] = []
    start, box = -1, [0.0, 0.0, 0.0, 0.0]  # first character of the current word; its box in page points

    def close(end: int) -> None:
        if start >= 0:
            words.append(_to_pixels(page.raw, width, height, text[start:end], box))

    for index, char in enumerate(text):
        if char.isspace():
            close(index)
            start = -1
            continue
        if not charbox(raw, index, ref):
            continue
        if start < 0:
            start, box = index, [rect.left, rect.bottom, rect.right, rect.top]
        else:
            box = [min(box[0], rect.left), min(box[1], rect.bottom), max(box[2], rect.right), max(box[3], rect.top)]
    close(len(text))
    return words


def _to_pixels(raw_page, width: int, height: int, word: str, box: list[float]) -> dict:
    """The word's box mapped from page points to rendered pixels (pdfium applies the page's rotation)."""
    xs, ys = [], []
    x, y = ctypes.c_int(), ctypes.c_int()
    for px, py in ((box[0], box[1]), (box[2], box[3])):
        pdfium_c.FPDF_PageToDevice(raw_page, 0, 0, width, height, 0, px, py, ctypes.byref(x), ctypes.byref(y))
        xs.append(x.value)
        ys.append(y.value)
    return {"text": word, "left": min(xs), "top": min(ys), "width": max(1, abs(xs[1] - xs[0])),
            "height": max(1, abs(ys[1] - ys[0])), "conf": 100.0}
