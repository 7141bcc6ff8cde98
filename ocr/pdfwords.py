"""Word boxes of a born-digital page's text layer, from pdfium's character boxes (under 2 ms a page; pdfplumber took
about 80 ms, the most expensive part of a text-layer page)."""

from __future__ import annotations

import ctypes
import math

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

    to_pixels = _PageToPixels(page.raw, width, height)

    def close(end: int) -> None:
        if start >= 0:
            words.append(to_pixels.word(text[start:end], box))

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


class _PageToPixels:
    """Page points to rendered pixels (the page's /Rotate and crop box applied), as pdfium's FPDF_PageToDevice maps
    them, but computed here: the map is read once a page from pdfium's inverse of three pixels (a pdfium call per
    corner of every word took half the time of the word boxes)."""

    def __init__(self, raw_page, width: int, height: int) -> None:
        x, y = ctypes.c_double(), ctypes.c_double()
        points = []
        for px, py in ((0, 0), (width, 0), (0, height)):
            pdfium_c.FPDF_DeviceToPage(raw_page, 0, 0, width, height, 0, px, py, ctypes.byref(x), ctypes.byref(y))
            points.append((x.value, y.value))
        (self._x0, self._y0), (ux, uy), (vx, vy) = points
        # Page point p = origin + (px / width) u + (py / height) v, with u, v the page vectors of the two edges.
        ux, uy, vx, vy = ux - self._x0, uy - self._y0, vx - self._x0, vy - self._y0
        det = ux * vy - uy * vx
        self._to_x = (vy * width / det, -vx * width / det)
        self._to_y = (-uy * height / det, ux * height / det)

    def point(self, x: float, y: float) -> tuple[int, int]:
        """Pixel of a page point, rounded half away from zero as pdfium rounds."""
        dx, dy = x - self._x0, y - self._y0
        px = self._to_x[0] * dx + self._to_x[1] * dy
        py = self._to_y[0] * dx + self._to_y[1] * dy
        return math.floor(px + 0.5) if px >= 0 else -math.floor(-px + 0.5), \
            math.floor(py + 0.5) if py >= 0 else -math.floor(-py + 0.5)

    def word(self, word: str, box: list[float]) -> dict:
        """The word's box (left, bottom, right, top in page points) in rendered pixels."""
        (x0, y0), (x1, y1) = self.point(box[0], box[1]), self.point(box[2], box[3])
        return {"text": word, "left": min(x0, x1), "top": min(y0, y1), "width": max(1, abs(x1 - x0)),
                "height": max(1, abs(y1 - y0)), "conf": 100.0}
