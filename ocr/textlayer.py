"""Born-digital PDF pages: read the text layer, judge whether it is usable, and box its words in image pixels."""

from __future__ import annotations

import ctypes
import functools
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr.language import script_of
from ocr.rtl_order import looks_visual, reverse_line

log = logging.getLogger(__name__)

# Below this many characters a page that is mostly a picture is treated as a scan (a scanner's stamp or a
# page-number overlay on an image must not stop the image from being OCR'd).
MIN_CHARS_OVER_IMAGE = 100
IMAGE_COVERAGE = 0.5
_CID = re.compile(r"\(cid:\d+\)")
# An image on a text-layer page is OCR'd when it could hold a word (in points: about 0.7 x 0.15 inch) and the layer
# has at most a few characters over it; a page's first MAX_REGIONS such images only (a page of thumbnails is not
# worth a pass each).
MIN_REGION_PT = (50.0, 10.0)
MAX_LAYER_CHARS_OVER_IMAGE = 3
MAX_REGIONS = 8
# Form XObjects nested deeper than this are not looked into (as pypdfium2's get_objects(max_depth=4)).
MAX_FORM_DEPTH = 4


@dataclass
class TextLayer:
    """A usable text layer of one page (lines in reading order as stored in the PDF)."""

    text: str


def _is_bad_char(ch: str) -> bool:
    code = ord(ch)
    if 0xE000 <= code <= 0xF8FF or code in (0xFFFD, 0xFFFE, 0xFFFF) or code >= 0xF0000:
        return True
    return unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and not ch.isspace()


def unusable_reason(text: str) -> str | None:
    """Why a page's text layer cannot be trusted (None when it can): garbage glyphs, no letters, a script we
    do not read, or right-to-left text stored in visual order."""
    # Each distinct character is judged once (a page has a few dozen), weighted by its count.
    chars = {ch: n for ch, n in Counter(text).items() if not ch.isspace()}
    total = sum(chars.values())
    if not total:
        return "no text layer"
    if _CID.search(text) or sum(n for ch, n in chars.items() if _is_bad_char(ch)) > 0.05 * total:
        return "glyphs without unicode mapping"
    letters = {ch: n for ch, n in chars.items() if ch.isalpha()}
    n_letters = sum(letters.values())
    if n_letters < 0.4 * total:
        return "text layer has almost no letters"
    ours = sum(n for ch, n in letters.items() if script_of(ch) is not None)
    if ours < 0.8 * n_letters:
        return "text layer in an unexpected script (likely mis-encoded)"
    if looks_visual(text):
        return "right-to-left text stored in visual order"
    return None


@dataclass(frozen=True)
class PageObjects:
    """What a text-layer page's drawing holds, from one walk over its objects (Form XObjects included)."""

    images: tuple[tuple[float, float, float, float], ...]  # bounds (left, bottom, right, top) in points
    may_show_colour: bool  # False only when every ink on the page is provably grey


@functools.lru_cache(maxsize=1)
def page_objects(page: pdfium.PdfPage) -> PageObjects:
    """Image bounds and colour of a page's objects, in drawing order (the page's last walk is kept: the text layer
    check, the pictures and the page image each ask). Raw pdfium calls: pypdfium2's object wrappers cost more than
    the walk itself."""
    images: list[tuple[float, float, float, float]] = []
    bounds = [ctypes.c_float() for _ in range(4)]
    rgba = [ctypes.c_uint() for _ in range(4)]
    paints = (pdfium_c.FPDFPageObj_GetFillColor, pdfium_c.FPDFPageObj_GetStrokeColor)
    grey_kinds = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH)
    colour = pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0  # annotations (stamps, highlights) are drawn too

    def walk(objects: list, depth: int) -> None:
        nonlocal colour
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                if pdfium_c.FPDFPageObj_GetBounds(obj, *bounds):
                    images.append(tuple(b.value for b in bounds))
                colour = True  # a picture may hold colour (a seal, a logo): the rendered pixels decide
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth < MAX_FORM_DEPTH - 1:
                    walk([pdfium_c.FPDFFormObj_GetObject(obj, i)
                          for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))], depth + 1)
            elif not colour:  # ink whose colour pdfium cannot give as grey may be colour (patterns, shadings)
                colour = kind not in grey_kinds or not all(
                    paint(obj, *rgba) and rgba[0].value == rgba[1].value == rgba[2].value for paint in paints)

    walk([pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))], 0)
    return PageObjects(tuple(images), colour)


def _image_coverage(page: pdfium.PdfPage) -> float:
    width, height = page.get_size()
    covered = 0.0
    for left, bottom, right, top in page_objects(page).images:
        covered += max(0.0, min(right, width) - max(left, 0)) * max(0.0, min(top, height) - max(bottom, 0))
    return covered / max(1.0, width * height)


def _layer_text(page: pdfium.PdfPage) -> str:
    raw = page.get_textpage().get_text_bounded()
    lines = [" ".join(line.split()) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def visual_order_layer(doc: pdfium.PdfDocument, index: int) -> str | None:
    """The page's text layer put back in logical order when it was stored right-to-left in visual order (it is
    then not used as the page text, but OCR's words take its spelling: see rtl_order.guide_by_layer)."""
    text = _layer_text(doc[index])
    if unusable_reason(text) != "right-to-left text stored in visual order":
        return None
    return "\n".join(reverse_line(line) for line in text.splitlines())


def image_regions(doc: pdfium.PdfDocument, index: int) -> list[tuple[float, float, float, float]]:
    """Pictures on a text-layer page that may hold text of their own: (left, top, right, bottom) in points from
    the top-left of the unrotated page, for images big enough to carry a line of text and with no layer text over
    them (an OCR'd PDF already has its image text in the layer)."""
    page = doc[index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    regions = []
    for left, bottom, right, top in page_objects(page).images:
        left, right = max(0.0, left), min(width, right)
        bottom, top = max(0.0, bottom), min(height, top)
        if right - left < MIN_REGION_PT[0] or top - bottom < MIN_REGION_PT[1]:
            continue
        if len(textpage.get_text_bounded(left, bottom, right, top).strip()) > MAX_LAYER_CHARS_OVER_IMAGE:
            continue
        regions.append((left, height - top, right, height - bottom))
    return regions[:MAX_REGIONS]


def read_text_layer(doc: pdfium.PdfDocument, index: int) -> TextLayer | None:
    """The page's text layer if it is usable, else None (the page is then OCR'd)."""
    page = doc[index]
    text = _layer_text(page)
    reason = unusable_reason(text)
    if reason is None and len(text) < MIN_CHARS_OVER_IMAGE and _image_coverage(page) > IMAGE_COVERAGE:
        reason = "short text over a scanned image"
    if reason is not None:
        log.info("page %d: OCR instead of text layer (%s)", index + 1, reason)
        return None
    return TextLayer(text)


def words_in_pixels(path: Path, index: int, scale: float, rotation: int) -> list[dict]:
    """Words of the text layer with boxes in rendered-page pixels (`scale` px per point, page /Rotate applied)."""
    try:
        with pdfplumber.open(str(path)) as pdf:
            page = pdf.pages[index]
            width, height = float(page.width), float(page.height)
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
    except Exception as exc:  # pdfminer chokes on some files pdfium reads; text without boxes is still useful
        log.warning("no word boxes for page %d of %s: %s", index + 1, path, exc)
        return []
    out = []
    for word in words:
        x0, x1, top, bottom = word["x0"], word["x1"], word["top"], word["bottom"]
        # pdfplumber gives unrotated page coordinates; pdfium rendered the page turned clockwise by /Rotate.
        if rotation == 90:
            x0, x1, top, bottom = height - bottom, height - top, x0, x1
        elif rotation == 180:
            x0, x1, top, bottom = width - x1, width - x0, height - bottom, height - top
        elif rotation == 270:
            x0, x1, top, bottom = top, bottom, width - x1, width - x0
        out.append({"text": word["text"], "left": round(x0 * scale), "top": round(top * scale),
                    "width": max(1, round((x1 - x0) * scale)), "height": max(1, round((bottom - top) * scale)),
                    "conf": 100.0})
    return out
