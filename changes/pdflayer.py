"""Rewrite the invisible text layer of a page's PDF after its text was corrected, so the searchable PDF download
says what the corrected text says.

Tesseract's page PDFs draw the page image, then every word in invisible text (render mode 3) with its
`GlyphLessFont`: a Type0 font whose character codes are the text's UTF-16 code units, each 500/1000 of the font size
wide, mapped back to Unicode by an identity ToUnicode map. The new layer uses the same font the same way: each word
placed on its box (font size from the box height, horizontal scaling to its width), so copy, search and selection in
a PDF viewer find the corrected words where they are on the page. Pages whose PDF has no such font (born-digital
text layers, blank pages) are left as they are."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import DecodedStreamObject

FONT_NAME = "/GlyphLessFont"
GLYPH_WIDTH = 0.5  # DW 500: every code unit is half the font size wide
_IMAGE_PART = re.compile(rb"^(.*?)(?=\bBT\b)", re.S)


def _glyphless(page) -> str | None:
    fonts = page.get("/Resources", {}).get("/Font", {})
    for name, ref in fonts.items():
        if ref.get_object().get("/BaseFont") == FONT_NAME:
            return name
    return None


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def text_layer(words: list[dict], image_w: int, image_h: int, page_w: float, page_h: float, font: str) -> bytes:
    """Content-stream operators drawing `words` (boxes in image pixels) as invisible text on a page in points."""
    sx, sy = page_w / max(image_w, 1), page_h / max(image_h, 1)
    ops = ["BT", "3 Tr"]
    for word in words:
        text = str(word.get("text", "")).strip()
        if not text or not word.get("width") or not word.get("height"):
            continue
        size = max(1.0, word["height"] * sy)
        x, y = word["left"] * sx, page_h - (word["top"] + word["height"]) * sy
        units = len(text.encode("utf-16-be")) // 2 + 1  # the word and a space after it
        scale = 100.0 * (word["width"] * sx) / (units * GLYPH_WIDTH * size)
        ops.append(f"{font} {size:.2f} Tf {scale:.2f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm [ <{_hex(text + ' ')}> ] TJ")
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")


def relayer(pdf: bytes, words: list[dict], image_w: int, image_h: int) -> bytes | None:
    """The one-page `pdf` with its text layer replaced by `words`; None when it has no GlyphLessFont layer."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[0]
        font = _glyphless(page)
        if font is None:
            return None
        content = page.get_contents()
        data = content.get_data() if content is not None else b""
        image = _IMAGE_PART.match(data)
        prefix = image.group(1) if image else data
        box = page.mediabox
        stream = DecodedStreamObject()
        stream.set_data(prefix + text_layer(words, image_w, image_h, float(box.width), float(box.height), font))
        writer = PdfWriter()
        added = writer.add_page(page)
        added.replace_contents(stream)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except (PyPdfError, KeyError, ValueError, IndexError):
        return None
