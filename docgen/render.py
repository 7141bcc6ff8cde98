"""Set a `Record` on an A4 page at 200 DPI (Pillow with raqm: shaping and bidi) and degrade it like a scan."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docgen.content import Record

DPI = 200
PAGE = (1654, 2339)  # A4 at 200 DPI
MARGIN = 140
# Debian packages: fonts-dejavu-core (Latin, Vietnamese), fonts-noto-core (Arabic Naskh, Urdu Nastaliq).
FONTS = {
    "vie": ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    "eng": ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    "fra": ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"],
    "urd": ["/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf"],
    "ara": ["/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
            "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"],
}
RTL = {"urd", "ara"}


def render(record: Record, rng: random.Random) -> Image.Image:
    """The record as a clean grayscale page."""
    rtl = record.language in RTL
    size = rng.randint(30, 36) if record.language != "urd" else rng.randint(28, 32)
    font_path = rng.choice(FONTS[record.language])
    font = ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.RAQM)
    bold = ImageFont.truetype(font_path.replace("-Regular", "-Bold").replace("Serif.ttf", "Serif-Bold.ttf")
                              .replace("Sans.ttf", "Sans-Bold.ttf"), size + 4, layout_engine=ImageFont.Layout.RAQM) \
        if "Nastaliq" not in font_path else font
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    direction = "rtl" if rtl else "ltr"
    line_height = int(size * (2.3 if record.language == "urd" else 1.6))
    y = MARGIN
    if record.right:  # two-column header: the right block beside the first lines
        small = ImageFont.truetype(font_path, size - 4, layout_engine=ImageFont.Layout.RAQM)
        for i, line in enumerate(record.right):
            width = draw.textlength(line, font=small)
            draw.text((PAGE[0] - MARGIN - width, y + i * line_height), line, font=small, fill=0)
        for i, line in enumerate(record.lines[:3]):
            draw.text((MARGIN, y + i * line_height), line, font=small, fill=0)
        y += 4 * line_height
        body = record.lines[3:]
    else:
        body = record.lines
    for line in body:
        if not line:
            y += line_height // 2
            continue
        is_kind = line.isupper() or line in _title_lines(record)
        use = bold if is_kind else font
        width = draw.textlength(line, font=use, direction=direction, language=_lang(record))
        x = (PAGE[0] - width) / 2 if is_kind else PAGE[0] - MARGIN - width if rtl else MARGIN
        draw.text((x, y), line, font=use, fill=0, direction=direction, language=_lang(record))
        y += line_height
    return page


def _lang(record: Record) -> str:
    return {"vie": "vi", "eng": "en", "fra": "fr", "urd": "ur", "ara": "ar"}[record.language]


def _title_lines(record: Record) -> set[str]:
    # Arabic-script kind lines are centred like the capitals of Latin records (Urdu: after the department line,
    # Arabic: after the number and date block).
    at = {"urd": 1, "ara": 5}.get(record.language)
    return {record.lines[at]} if at is not None and len(record.lines) > at and record.lines[at] else set()


def degrade(page: Image.Image, rng: random.Random, seed: int) -> tuple[Image.Image, list[str]]:
    """A scan-like copy: some of skew, blur, noise, low contrast, speckles; returns the degradations applied."""
    applied = []
    np_rng = np.random.default_rng(seed)
    if rng.random() < 0.6:
        angle = rng.uniform(-2.0, 2.0)
        page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=False)
        applied.append(f"skew {angle:.1f}")
    if rng.random() < 0.4:
        page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1)))
        applied.append("blur")
    pixels = np.asarray(page, dtype=np.float32)
    if rng.random() < 0.4:
        low, high = rng.uniform(40, 90), rng.uniform(190, 230)
        pixels = low + pixels * (high - low) / 255.0
        applied.append("low_contrast")
    if rng.random() < 0.5:
        pixels = pixels + np_rng.normal(0, rng.uniform(6, 16), pixels.shape)
        applied.append("noise")
    if rng.random() < 0.3:
        specks = np_rng.random(pixels.shape) < 0.0015
        pixels[specks] = 0
        applied.append("speckles")
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), applied
