"""Page quality at ingest: what a clerk needs to know to rescan a page or check its reading.

`measure` runs in the OCR worker beside the page (it needs the page as scanned, before cleanup) and returns plain
numbers; `assess` turns them into flags with the thresholds of `Thresholds` (settings, `RECORDS_QUALITY_*`). The
default thresholds are measured by bench/page_quality.py on the samples and on degraded copies of them (blurred,
100 dpi, dark, blank, cut off): every degraded page flagged, no clean sample page flagged for rescan.

Measurements (all on the page as scanned, brought to 150 dpi so that blur is measured in millimetres, not pixels):

- `dpi`: effective resolution: the file's DPI tag, the embedded image's resolution for scanned PDFs, or (no tag)
  the pixel width over an A4 page's 8.27 inches.
- `sharpness`: median, over text edges, of the steepest grey step divided by the local ink-paper range. A sharp
  edge crosses in one or two pixels (0.4-0.5 on the samples); a blurred one spreads over many (0.17-0.26 after a
  2.5-4 pixel Gaussian blur at 200 dpi). Unlike the variance of the Laplacian it does not grow with noise or
  contrast.
- `paper`, `contrast`: the paper's grey level (90th percentile) and paper minus the ink's grey (20th percentile of
  the pixels clearly darker than the paper).
- `ink`: share of pixels clearly darker than the paper (blank pages have almost none).
- `edge_words`: share of OCR words touching the left or right edge; `edge_glyphs`: the most glyph-sized ink
  shapes sliced by one edge of the scan (text cut off by the scanner; scanner borders are too big to count).
- `confidence`: Tesseract's mean word confidence; `known_words`: share of words in the language model's dictionary.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, fields
from pathlib import Path

import cv2
import numpy as np

from documents.model import PageFlag
from ocr import lexicon
from ocr.cleanup import grey_percentiles
from ocr.models import PageOutput

MEASURE_DPI = 150.0
A4_SHORT_SIDE_IN = 8.27
MIN_INK_STEP = 25.0  # grey levels below the paper for a pixel to count as ink
MIN_INK_PIXELS = 50
BLANK_BEFORE_OCR = 0.0001  # ink share (at 150 dpi, about 200 pixels: a character or two) below which OCR is skipped
GLYPH_MAX_IN = 0.5  # nothing printed is half an inch tall or wide; scanner borders are
GLYPH_MIN_AREA = 6  # pixels at MEASURE_DPI: smaller is dust
EDGE_BAND = 0.004  # a word within 0.4 % of the page width of its left or right edge touches it
MIN_EDGE_PIXELS = 200  # fewer text edges than this: nothing to judge sharpness on
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)

# Reasons: code -> (kind, words a clerk reads). The codes are stable (API, filters); the words are shown.
REASONS = {
    "blurred": ("rescan", "blurred"),
    "low_resolution": ("rescan", "below {min_dpi:g} dpi"),
    "too_dark": ("rescan", "too dark"),
    "low_contrast": ("rescan", "too faint"),
    "cut_off": ("rescan", "cut off"),
    "low_confidence": ("review", "low OCR confidence"),
    "few_known_words": ("review", "few known words"),
}


@dataclass(frozen=True)
class Thresholds:
    """Where a measurement becomes a flag. Each can be set with `RECORDS_QUALITY_<NAME>` (upper case)."""

    min_dpi: float = 150.0  # samples are scanned at 200-300 dpi; a 100 dpi scan loses diacritics and dots
    min_sharpness: float = 0.32  # clean samples 0.375-0.50 (s_ar_01, blurred by 1.2 px, is the lowest); blurred <=0.27
    min_paper: float = 140.0  # paper grey level: clean samples 195-255; a dark scan 68-88
    min_contrast: float = 35.0  # paper minus ink: clean samples 71-255
    max_edge_words: float = 0.08  # cut-off pages: a line in five or more ends at the edge; clean samples 0
    max_edge_glyphs: float = 2  # glyphs sliced by one edge of the scan: clean samples 0-1, cut-off copies 3-16
    min_confidence: float = 60.0  # mean OCR word confidence below which a person should read the page
    # Nastaliq reads with less confidence: with the project's Urdu model (ocr/tessdata/urd_records) clean Urdu samples
    # read at 65-73 (Debian's urd gave 48-56); an upside-down English page read as Urdu gives 46.
    min_confidence_urd: float = 55.0
    min_known_words: float = 0.5  # share of words in the dictionary below which a person should read the page
    blank_ink: float = 0.001  # share of ink pixels below which a page without words is blank
    blank_words: int = 3

    @classmethod
    def from_env(cls) -> Thresholds:
        """Defaults, overridden by `RECORDS_QUALITY_*` environment variables."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"RECORDS_QUALITY_{f.name.upper()}")
            if raw not in (None, ""):
                values[f.name] = int(raw) if f.type == "int" else float(raw)
        return cls(**values)


def measure_page(gray: np.ndarray, dpi: float, dpi_known: bool, page: PageOutput, path: Path | None = None,
                 kind: str = "", index: int = 0) -> dict[str, float | None]:
    """`measure` for an OCR'd `ocr.PageOutput` (the hook in ocr/pipeline.py)."""
    return measure(gray, dpi, dpi_known, page.words, page.confidence, page.language, page.width, path=path,
                   kind=kind, index=index)


def measure(gray: np.ndarray, dpi: float, dpi_known: bool, words: list[dict], confidence: float | None,
            language: str | None, page_width: int, *, path: Path | None = None, kind: str = "",
            index: int = 0) -> dict[str, float | None]:
    """The quality numbers of one OCR'd page: `gray` is the page as scanned (before cleanup) at `dpi`; `words` are
    the OCR words with boxes in the cleaned page of width `page_width`."""
    effective = _effective_dpi(gray, dpi, dpi_known, path, kind, index)
    small, (paper, contrast, ink) = _at_measure_dpi(gray, dpi)
    texts = [w.get("text", "") for w in words if str(w.get("text", "")).strip()]
    return {
        "dpi": round(effective, 1),
        "sharpness": _sharpness(small, contrast or 0.0),
        "paper": round(paper, 1),
        "contrast": None if contrast is None else round(contrast, 1),
        "ink": round(ink, 5),
        "edge_words": _edge_words(words, page_width),
        "edge_glyphs": _edge_glyphs(small, paper, contrast),
        "confidence": None if confidence is None else round(float(confidence), 1),
        "known_words": _known_share(texts, language),
        "words": float(len(texts)),
    }


def assess(quality: dict[str, float | None], thresholds: Thresholds | None = None,
           language: str | None = None) -> tuple[bool, list[PageFlag]]:
    """(blank, flags) for a page's measurements (`language`: the page's, for its confidence threshold). A blank
    page is recorded as blank and not flagged."""
    if not quality:
        return False, []
    t = thresholds or Thresholds.from_env()

    def value(name: str) -> float | None:
        v = quality.get(name)
        return None if v is None else float(v)

    ink, words = value("ink"), value("words") or 0.0
    dpi, sharp, paper, contrast = value("dpi"), value("sharpness"), value("paper"), value("contrast")
    dark = paper is not None and paper < t.min_paper
    if ink is not None and ink < t.blank_ink and words < t.blank_words and not dark:
        return True, []
    found: list[tuple[str, str]] = []
    if dpi is not None and dpi < t.min_dpi:
        found.append(("low_resolution", f"{dpi:.0f} dpi"))
    if sharp is not None and sharp < t.min_sharpness:
        found.append(("blurred", f"sharpness {sharp:.2f} (at least {t.min_sharpness:.2f})"))
    if dark:
        found.append(("too_dark", f"paper grey {paper:.0f} of 255 (at least {t.min_paper:.0f})"))
    elif contrast is not None and contrast < t.min_contrast:
        found.append(("low_contrast", f"ink-paper contrast {contrast:.0f} (at least {t.min_contrast:.0f})"))
    edge = value("edge_words")
    glyphs = value("edge_glyphs")
    if edge is not None and edge > t.max_edge_words:
        found.append(("cut_off", f"{edge:.0%} of words touch the left or right edge"))
    elif glyphs is not None and glyphs > t.max_edge_glyphs:
        found.append(("cut_off", f"{glyphs:.0f} letters sliced by the edge of the scan"))
    conf, known = value("confidence"), value("known_words")
    min_conf = t.min_confidence_urd if language == "urd" else t.min_confidence
    if conf is not None and conf < min_conf:
        found.append(("low_confidence", f"mean word confidence {conf:.0f} (at least {min_conf:.0f})"))
    if known is not None and known < t.min_known_words and words >= t.blank_words:
        found.append(("few_known_words", f"{known:.0%} of words in the dictionary (at least "
                                         f"{t.min_known_words:.0%})"))
    flags = [PageFlag(kind=REASONS[code][0], reason=code, detail=detail) for code, detail in found]
    return False, flags


def reason_text(code: str, thresholds: Thresholds | None = None) -> str:
    """The words a clerk reads for a reason code ("blurred", "below 150 dpi", ...)."""
    t = thresholds or Thresholds.from_env()
    return REASONS.get(code, ("", code.replace("_", " ")))[1].format(min_dpi=t.min_dpi)


def blank_scan(gray: np.ndarray, dpi: float) -> bool:
    """True for a page with (almost) nothing on it, before OCR: it is recorded blank and not read (Tesseract can
    spend minutes on paper grain)."""
    paper, _contrast, ink = _at_measure_dpi(gray, dpi)[1]
    return ink < BLANK_BEFORE_OCR and paper >= Thresholds.min_paper  # a dark page is flagged, not called blank


def blank_page(gray: np.ndarray, dpi: float, index: int) -> PageOutput:
    """The stored result of a blank page: its image and a one-page PDF of it, no text."""
    import io

    from PIL import Image

    from ocr.pipeline import encode_png, encode_thumb

    pdf = io.BytesIO()
    Image.fromarray(gray).save(pdf, format="PDF", resolution=max(float(dpi), 1.0))
    return PageOutput(number=index + 1, method="ocr", lang="", language="", script="Latin", text="", words=[],
                      confidence=None, width=int(gray.shape[1]), height=int(gray.shape[0]), png=encode_png(gray),
                      thumb=encode_thumb(gray), pdf=pdf.getvalue())


def _tones(small: np.ndarray) -> tuple[float, float | None, float]:
    """(paper grey, paper minus typical ink grey or None without ink, share of ink pixels)."""
    [paper] = grey_percentiles(small, [90])
    step = min(MIN_INK_STEP, 0.25 * paper)  # on a dark scan ink is only a few grey levels below the paper
    dark = small[small < paper - step]
    if dark.size < MIN_INK_PIXELS:
        return paper, None, float(dark.size) / small.size
    [dark_grey] = grey_percentiles(dark, [20])
    contrast = paper - dark_grey
    ink = float((small < paper - max(step, 0.5 * contrast)).mean())
    return paper, contrast, ink


_last = threading.local()  # the page last brought to MEASURE_DPI and its tones: blank_scan and measure share them


def _at_measure_dpi(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, tuple[float, float | None, float]]:
    """The page at MEASURE_DPI and its tones (`_tones`), computed once per page."""
    # Identity, not address: holding the page keeps its memory from being reused by the next page's pixels.
    if getattr(_last, "gray", None) is gray and _last.dpi == dpi:
        return _last.small, _last.tones
    small = _measure_copy(gray, dpi)
    _last.gray, _last.dpi, _last.small, _last.tones = gray, dpi, small, _tones(small)
    return small, _last.tones


def _measure_copy(gray: np.ndarray, dpi: float) -> np.ndarray:
    factor = MEASURE_DPI / max(dpi, 1.0)
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interp) if abs(factor - 1) > 0.01 else gray
    return cv2.medianBlur(small, 3)  # noise would pass for sharp edges


def _sharpness(small: np.ndarray, contrast: float) -> float | None:
    window = np.ones((9, 9), np.uint8)
    local_range = cv2.subtract(cv2.dilate(small, window), cv2.erode(small, window))  # uint8: ink-paper range
    g = small.astype(np.float32)
    step = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))
    step *= 1.0 / 8.0  # a one-pixel step of height h gives h/2
    # Edge centres: the steepest pixel of its neighbourhood, across a clear ink-paper range. Candidates first
    # (a few per cent of the page), then the arithmetic on them only.
    candidates = (local_range > max(12.0, 0.3 * contrast)) & (step >= cv2.dilate(step, np.ones((3, 3), np.uint8)))
    ys, xs = np.nonzero(candidates)
    steps, ranges = step[ys, xs], local_range[ys, xs].astype(np.float32)
    keep = steps > 0.1 * ranges
    if int(keep.sum()) < MIN_EDGE_PIXELS:
        return None
    return round(float(np.median(steps[keep] / ranges[keep])), 3)


def _effective_dpi(gray: np.ndarray, dpi: float, dpi_known: bool, path: Path | None, kind: str,
                   index: int) -> float:
    if kind == "pdf" and path is not None:
        scanned = _pdf_image_dpi(path, index)
        return min(dpi, scanned) if scanned else dpi
    if dpi_known:
        return dpi
    return min(gray.shape) / A4_SHORT_SIDE_IN


def _pdf_image_dpi(path: Path, index: int) -> float | None:
    """Resolution of the largest image on a scanned PDF page (pixels over its placed size), if it has one."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        best: tuple[float, float] | None = None
        for obj in doc[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = obj.get_bounds()
            width_px, height_px = obj.get_px_size()
            area = (right - left) * (top - bottom)
            if right - left <= 0 or top - bottom <= 0 or not width_px:
                continue
            found = min(width_px / ((right - left) / 72.0), height_px / ((top - bottom) / 72.0))
            if best is None or area > best[0]:
                best = (area, found)
        return best[1] if best else None
    except (pdfium.PdfiumError, AttributeError, ValueError):
        return None
    finally:
        doc.close()


def _edge_glyphs(small: np.ndarray, paper: float, contrast: float | None) -> float | None:
    """The most glyph-sized ink shapes touching any one edge of the page (at MEASURE_DPI). Only a band along
    each edge is labelled: a shape touching the edge that reaches the band's inner side is bigger than a glyph."""
    if contrast is None:
        return None
    step = min(MIN_INK_STEP, 0.25 * paper)
    band = int(GLYPH_MAX_IN * MEASURE_DPI) + 2
    height, width = small.shape
    strips = (small[:, :band], small[:, max(0, width - band):][:, ::-1], small[:band, :].T,
              small[max(0, height - band):, :][::-1, :].T)  # each turned so that its page edge is column 0
    most = 0
    for strip in strips:
        mask = (strip < paper - max(step, 0.5 * contrast)).astype(np.uint8)
        _count, _labels, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(mask), connectivity=8)
        x, _y, w, h, area = (stats[1:, i] for i in range(5))
        glyph = (x == 0) & (x + w < mask.shape[1]) & (w <= GLYPH_MAX_IN * MEASURE_DPI) & \
            (h <= GLYPH_MAX_IN * MEASURE_DPI) & (area >= GLYPH_MIN_AREA)
        most = max(most, int(glyph.sum()))
    return float(most)


def _edge_words(words: list[dict], page_width: int) -> float | None:
    boxed = [w for w in words if w.get("width") and str(w.get("text", "")).strip()]
    if not boxed or page_width <= 0:
        return None
    band = EDGE_BAND * page_width
    touching = sum(1 for w in boxed if w["left"] <= band or w["left"] + w["width"] >= page_width - band)
    return round(touching / len(boxed), 3)


def _known_share(texts: list[str], language: str | None) -> float | None:
    """Share of the page's words (letters only, two or more) that the language model's dictionary holds."""
    if not language:
        return None
    known = lexicon.words(language)
    if not known:
        return None
    tokens = [m.group(0) for t in texts for m in WORD_RE.finditer(t) if len(m.group(0)) >= 2]
    if not tokens:
        return None
    hits = sum(1 for tok in tokens if tok in known or tok.lower() in known or tok.capitalize() in known)
    return round(hits / len(tokens), 3)
