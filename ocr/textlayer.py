"""Born-digital PDF pages: read the text layer, judge whether it is usable, and box its words in image pixels."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from ocr.language import script_of

log = logging.getLogger(__name__)

# Below this many characters a page that is mostly a picture is treated as a scan (a scanner's stamp or a
# page-number overlay on an image must not stop the image from being OCR'd).
MIN_CHARS_OVER_IMAGE = 100
IMAGE_COVERAGE = 0.5
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class TextLayer:
    """A usable text layer of one page (lines in reading order as stored in the PDF)."""

    text: str


def _is_bad_char(ch: str) -> bool:
    code = ord(ch)
    if 0xE000 <= code <= 0xF8FF or code in (0xFFFD, 0xFFFE, 0xFFFF) or code >= 0xF0000:
        return True
    return unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and not ch.isspace()


def _looks_visual_rtl(text: str) -> bool:
    """Arabic stored in visual (reversed) order: words start with letters that only ever end a word."""
    words = [w for w in re.findall(r"[\u0600-\u06ff]+", text) if len(w) > 1]
    if not words:
        return False
    reversed_ = sum(w[0] in "ةى" or (w.endswith("لا") and len(w) > 3) for w in words)
    logical = sum(w[-1] in "ةى" for w in words) + sum(w.startswith("ال") for w in words)
    shaped = sum("\ufb50" <= ch <= "\ufeff" for w in words for ch in w)
    return (reversed_ > 0 and reversed_ * 4 >= logical) or shaped > 0.3 * sum(map(len, words))


def unusable_reason(text: str) -> str | None:
    """Why a page's text layer cannot be trusted (None when it can): garbage glyphs, no letters, a script we
    do not read, or right-to-left text stored in visual order."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return "no text layer"
    if _CID.search(text) or sum(map(_is_bad_char, chars)) > 0.05 * len(chars):
        return "glyphs without unicode mapping"
    letters = [ch for ch in chars if ch.isalpha()]
    if len(letters) < 0.4 * len(chars):
        return "text layer has almost no letters"
    ours = sum(script_of(ch) is not None for ch in letters)
    if ours < 0.8 * len(letters):
        return "text layer in an unexpected script (likely mis-encoded)"
    if _looks_visual_rtl(text):
        return "right-to-left text stored in visual order"
    return None


def _image_coverage(page: pdfium.PdfPage) -> float:
    width, height = page.get_size()
    covered = 0.0
    for obj in page.get_objects(max_depth=4):
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            covered += max(0.0, min(right, width) - max(left, 0)) * max(0.0, min(top, height) - max(bottom, 0))
    return covered / max(1.0, width * height)


def read_text_layer(doc: pdfium.PdfDocument, index: int) -> TextLayer | None:
    """The page's text layer if it is usable, else None (the page is then OCR'd)."""
    page = doc[index]
    textpage = page.get_textpage()
    raw = textpage.get_text_bounded()
    lines = [" ".join(line.split()) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
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
