"""process_page: one page of a file in, text + word boxes + derivatives out. Runs in a worker process per page."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from documents.errors import RejectedInput
from ocr import choose, cleanup, pdfwords, pngfile, quality, rtl_order, tesseract, urdu_words
from ocr.arabic_comma import restore_commas
from ocr.language import detect_language, known_languages, language_of_model, script_of, script_of_language
from ocr.models import PageOutput
from ocr.pdfs import extract_page
from ocr.sources import RENDER_PIXEL_CAP, load_image_page, open_pdf, render_colour, render_pdf_page
from ocr.textlayer import image_regions, page_objects, read_text_layer, visual_order_layer, words_in_pixels

log = logging.getLogger(__name__)

THUMB_WIDTH = 240
# Born-digital pages are rendered only to be looked at (their text comes from the text layer, not OCR): 150 DPI is
# sharp on a screen, and a quarter of the pixels of 300 DPI to render, encode and store.
TEXT_LAYER_DPI = 150.0
# OSD's orientation guess is only followed when it is this sure (its confidence is a log-likelihood ratio).
MIN_ORIENTATION_CONF = 2.0
OSD_DPI = 150.0  # OSD reads a page at this resolution (at the scan's own when lower)
OSD_PIXELS = 3_000_000  # and at most this much of it: A4 whole (2.2 MP at 150 DPI), the middle of larger sheets
# Scripts OSD names for pages in our languages (it calls some Latin fonts Cyrillic or Greek).
ALPHABETIC_SCRIPTS = frozenset({"Latin", "Arabic", "Cyrillic", "Greek"})


@dataclass(frozen=True)
class CleanupConfig:
    """Which cleanup steps run. The defaults are the steps that lowered the error rate in bench/ocr_ablation.py."""

    drop_colour: bool = True
    upscale: bool = True
    borders: bool = True
    orientation: bool = True
    deskew: bool = True
    punch_holes: bool = False  # no measured gain: tesseract already ignores the holes (s_vi_03 0.48 % either way)
    illumination: bool = True
    denoise: bool = True
    binarize: str = "sauvola"  # "sauvola", "otsu" or "none"


DEFAULT_CLEANUP = CleanupConfig()


@dataclass
class Cleaned:
    """A page after cleanup, with what was done to it, and the strip readings that checked its orientation."""

    image: np.ndarray
    dpi: float
    rotation: int
    skew: float
    osd_script: str | None
    probe: choose.Probe | None = None
    # When the strip alone called the page upright Arabic script (no OSD): the page OSD would have read, for the main
    # pass to run OSD on after all if it reads poorly.
    osd_pending: np.ndarray | None = None


def process_page(path: Path, kind: str, index: int, lang: str = "auto", *,
                 max_pixels: int = 200_000_000) -> PageOutput:
    """Produce the text, word boxes and derivatives of page `index` (0-based) of a file.

    Born-digital PDF pages with a usable text layer keep it; every other page is cleaned and OCR'd.

    Args:
        path: the file (opened here; only this page is decoded).
        kind: content-sniffed type: png, jpeg, tiff, pdf, webp, bmp, gif or heic.
        index: 0-based page number.
        lang: "auto" (script detected per page) or fixed tesseract languages: vie, eng, ara, urd, vie+eng.
        max_pixels: largest image page accepted.

    Raises:
        RejectedInput: the file or page cannot be read.
        ProcessingFailed: tesseract failed or timed out on the page.
    """
    return run_page(Path(path), kind, index, lang, max_pixels=max_pixels)


def run_page(path: Path, kind: str, index: int, lang: str = "auto", *, max_pixels: int = 200_000_000,
             config: CleanupConfig = DEFAULT_CLEANUP, want_pdf: bool = True) -> PageOutput:
    """`process_page` with the cleanup steps chosen explicitly (the ablation bench toggles them)."""
    started = time.perf_counter()
    if lang != "auto" and not all(part in known_languages() for part in lang.split("+")):
        raise RejectedInput(f"Unknown OCR language '{lang}'; use auto or installed languages joined by '+' "
                            f"({', '.join(sorted(known_languages()))}).", "r_unknown_lang", lang=lang,
                            known=", ".join(sorted(known_languages())))
    if kind == "pdf":
        doc = open_pdf(path)
        try:
            if not 0 <= index < len(doc):
                raise RejectedInput(f"Page {index + 1} does not exist; the PDF has {len(doc)} page(s).",
                                    "r_pdf_page_missing", page=index + 1, pages=len(doc))
            layer = read_text_layer(doc, index)
            hint = visual_order_layer(doc, index) if layer is None else None
            if layer is not None:
                gray, scale = render_pdf_page(doc, index, max_pixels, dpi=TEXT_LAYER_DPI)
                out = _text_layer_page(path, doc, index, layer.text, gray, scale)
                _add_image_text(out, gray, scale, image_regions(doc, index), doc[index].get_rotation())
                out.seconds = round(time.perf_counter() - started, 3)
                return out
            gray, scale = render_pdf_page(doc, index, max_pixels, drop_colour=config.drop_colour)
        finally:
            doc.close()
        dpi, _dpi_known = scale * 72.0, True
    else:
        hint = None
        raw = load_image_page(path, kind, index, max_pixels, drop_colour=config.drop_colour)
        gray, dpi, _dpi_known = raw.gray, raw.dpi, raw.dpi_known
    out = quality.blank_page(gray, dpi, index) if quality.blank_scan(gray, dpi) else _ocr_page(
        gray, dpi, index, lang, config, want_pdf, layer_hint=hint)
    out.quality = quality.measure_page(gray, dpi, _dpi_known, out, path, kind, index)
    out.seconds = round(time.perf_counter() - started, 3)
    return out


def _text_layer_page(path: Path, doc, index: int, text: str, gray: np.ndarray, scale: float) -> PageOutput:
    page = doc[index]
    words = pdfwords.words_in_pixels(page, page.get_textpage(), scale)
    if words is None:  # pdfium's characters and text disagree: pdfplumber's words instead (80 ms)
        words = words_in_pixels(path, index, scale, page.get_rotation())
    language = detect_language(text) or "eng"
    colour = render_colour(doc, index, scale) if page_objects(page).may_show_colour else None
    image = gray if colour is None else colour  # seals and signatures keep their colour on screen
    return PageOutput(
        number=index + 1, method="text_layer", lang="", language=language,
        script="Arabic" if language in ("urd", "ara") else "Latin", text=text,
        words=words, confidence=None,
        width=int(gray.shape[1]), height=int(gray.shape[0]), rotation=0, skew=0.0,
        png=encode_png(image, filtered=False), thumb=encode_thumb(image),
        pdf=extract_page(doc, index),
    )


def _add_image_text(out: PageOutput, gray: np.ndarray, scale: float, regions: list[tuple[float, float, float, float]],
                    rotation: int) -> None:
    """OCR the pictures of a text-layer page (mixed pages: typed text plus a pasted scan) and add their words after
    the layer's, in the layer's language. Rotated pages keep their layer only (the regions are unrotated)."""
    if not regions or rotation:
        return
    langs = choose.models_for(out.language)
    lines = []
    for left, top, right, bottom in regions:
        x0, y0 = max(0, int(left * scale)), max(0, int(top * scale))
        x1, y1 = min(gray.shape[1], int(right * scale) + 1), min(gray.shape[0], int(bottom * scale) + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        # Text-layer pages are rendered for the eye (TEXT_LAYER_DPI): the picture is read at 300 DPI.
        factor = max(1.0, 300.0 / (scale * 72.0))
        crop = cv2.resize(gray[y0:y1, x0:x1], None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        crop = cleanup.binarize_otsu(crop)
        if (crop < 128).sum() < 20:
            continue
        result = tesseract.ocr(crop, langs, tesseract.image_dpi(scale * 72.0 * factor), want_pdf=False)
        for word in result.words:
            out.words.append({"text": word["text"], "left": round(word["left"] / factor) + x0,
                              "top": round(word["top"] / factor) + y0, "width": round(word["width"] / factor),
                              "height": round(word["height"] / factor), "conf": word["conf"]})
        if result.text.strip():
            lines.append(result.text.strip())
    if lines:
        out.text = "\n".join([out.text, *lines])
        out.lang = langs


def clean(gray: np.ndarray, dpi: float, config: CleanupConfig) -> Cleaned:
    """Run the enabled cleanup steps in order (see CleanupConfig).

    Orientation: the cleaned page's middle strip is read (`choose.Probe`, the reads the language choice needs
    anyway); only when no model reads it confidently is orientation detection (OSD, 0.1-0.2 s) run, and a turned
    page levelled and binarised again (`_turned`). A strip only the Urdu model reads well is believed upright,
    pending the main pass's confirmation (`Cleaned.osd_pending`)."""
    if config.denoise:
        # Before upscaling: a 3x3 median removes one-pixel specks only at the scan's own resolution.
        gray = cleanup.denoise(gray)
    if config.upscale:
        gray, dpi = cleanup.upscale(gray, dpi, max_pixels=RENDER_PIXEL_CAP)
    if config.borders:
        gray = cleanup.remove_borders(gray, dpi)
    if config.illumination:
        gray = cleanup.normalize_illumination(gray, dpi)
    image, skew = _level_and_binarize(gray, dpi, config)
    rotation, osd_script, probe, pending = 0, None, None, None
    if config.orientation:
        probe = choose.Probe(image, tesseract.image_dpi(dpi))
        if not probe.reads_upright():
            if probe.reads_arabic_upright():
                pending = gray
            else:
                rotation, osd_script = _orientation(gray, dpi)
                if rotation:
                    return _turned(gray, dpi, config, rotation, osd_script)
    return Cleaned(image, dpi, rotation, skew, osd_script, probe, pending)


def _turned(gray: np.ndarray, dpi: float, config: CleanupConfig, rotation: int, osd_script: str | None) -> Cleaned:
    """The page (cleaned up to orientation) turned by OSD's `rotation`, levelled and binarised, with its probe."""
    image, skew = _level_and_binarize(cleanup.rotate_quadrant(gray, rotation), dpi, config)
    return Cleaned(image, dpi, rotation, skew, osd_script, choose.Probe(image, tesseract.image_dpi(dpi)))


def _level_and_binarize(gray: np.ndarray, dpi: float, config: CleanupConfig) -> tuple[np.ndarray, float]:
    """Deskew, punch holes and binarisation (the steps after orientation). Returns the page and the skew."""
    skew = 0.0
    if config.deskew:
        gray, skew = cleanup.deskew(gray)
    if config.punch_holes:
        gray = cleanup.remove_punch_holes(gray, dpi)
    if config.binarize == "sauvola":
        gray = cleanup.binarize_sauvola(gray, dpi)
    elif config.binarize == "otsu":
        gray = cleanup.binarize_otsu(gray)
    return gray, skew


def _orientation(gray: np.ndarray, dpi: float) -> tuple[int, str | None]:
    """OSD on a half-resolution binarised copy (same answer, a fraction of the time), at most OSD_PIXELS big: the
    middle of a larger page (an A2 sheet), not the page shrunk further. Shrunk to 88 DPI, four letters on one sheet
    read as Cyrillic turned upside down, and the page was turned."""
    factor = min(1.0, OSD_DPI / dpi)
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    found = tesseract.osd(cleanup.binarize_otsu(_middle(small, OSD_PIXELS)), tesseract.image_dpi(dpi * factor))
    if found is None:
        return 0, None
    if found.script not in ALPHABETIC_SCRIPTS:
        # OSD reads Nastaliq Urdu as Japanese or Katakana and then guesses the orientation wrong too: trust neither.
        return 0, None
    rotation = found.rotate if found.orientation_conf >= MIN_ORIENTATION_CONF else 0
    return rotation, found.script if found.script in ("Latin", "Arabic") else None


def _middle(image: np.ndarray, pixels: int) -> np.ndarray:
    """The middle of `image`, of the page's proportions and at most `pixels` big (the whole image when smaller)."""
    height, width = image.shape[:2]
    share = min(1.0, (pixels / (height * width)) ** 0.5)
    if share >= 1.0:
        return image
    h, w = int(height * share), int(width * share)
    top, left = (height - h) // 2, (width - w) // 2
    return image[top: top + h, left: left + w]


def _ocr_page(gray: np.ndarray, dpi: float, index: int, lang: str, config: CleanupConfig,
              want_pdf: bool, *, layer_hint: str | None = None) -> PageOutput:
    return _ocr_cleaned(clean(gray, dpi, config), index, lang, config, want_pdf, layer_hint)


def _ocr_cleaned(cleaned: Cleaned, index: int, lang: str, config: CleanupConfig, want_pdf: bool,
                 layer_hint: str | None) -> PageOutput:
    image, dpi_int = cleaned.image, tesseract.image_dpi(cleaned.dpi)
    choice = choose.fixed(lang) if lang != "auto" else _choose_langs(cleaned)
    png = encode_png(image, bilevel=config.binarize != "none")
    result, words = _read(image, choice.langs, dpi_int, want_pdf, png)
    if cleaned.osd_pending is not None and (result.confidence or 0.0) < choose.UPRIGHT_PAGE_CONFIDENT:
        # Taken as upright Arabic script by its strip, the page reads poorly: turned after all? OSD now, and a turned
        # page turned and read again (an upright one keeps this reading: OSD would have changed nothing).
        log.info("page %d: read at %s, checking its orientation", index + 1, result.confidence)
        rotation, osd_script = _orientation(cleaned.osd_pending, cleaned.dpi)
        if rotation:
            turned = _turned(cleaned.osd_pending, cleaned.dpi, config, rotation, osd_script)
            return _ocr_cleaned(turned, index, lang, config, want_pdf, layer_hint)
    second = choose.second_opinion(choice, result.text)
    if second:  # the main pass's whole text doubts the strip's French-or-English guess
        choice.alternatives, choice.how = (*choice.alternatives, *second), "both"
    if choice.alternatives:
        # In doubt: read the page the other ways too and keep the best-scoring reading.
        scores = {choice.langs: _score(words, layer_hint)}
        for langs in choice.alternatives:
            other, other_words = _read(image, langs, dpi_int, want_pdf, png)
            scores[langs] = _score(other_words, layer_hint)
            if scores[langs] > scores[choice.langs]:
                choice.langs, result, words = langs, other, other_words
        choice.alternatives = tuple(k for k in scores if k != choice.langs)
        choice.scores = scores
        choice.margin = scores[choice.langs] - max(scores[k] for k in choice.alternatives)
    langs = choice.langs
    if layer_hint:
        words = rtl_order.guide_by_layer(words, layer_hint)
    text = tesseract.text_of(words)
    script = (script_of(text) or "Latin") if "+" in langs else script_of_language(langs)
    # A page whose words took its text layer's spelling is in the layer's language, whichever model read it.
    language = (detect_language(text) or language_of_model(langs)) if layer_hint else \
        choose.page_language(langs, text, detect_language)
    log.info("page %d: read with %s (%s)", index + 1, langs, choice.record())
    return PageOutput(
        number=index + 1, method="ocr", lang=langs, language=language, script=script, text=text,
        words=words, confidence=result.confidence, width=int(image.shape[1]), height=int(image.shape[0]),
        rotation=cleaned.rotation, skew=cleaned.skew, png=png, thumb=encode_thumb(image),
        pdf=result.pdf, language_choice=choice.record(),
    )


def _score(words: list[dict], layer_hint: str | None) -> float:
    """A reading's score: its confidence; on a page with a (visual-order) text layer, first how much of the layer
    it finds once guided by it (the layer has the page's letters; confidence alone favours a fluent wrong model)."""
    score = choose.reading_score(words)
    if layer_hint:
        found = set(tesseract.text_of(rtl_order.guide_by_layer(words, layer_hint)).split())
        layer = rtl_order.layer_words(layer_hint)
        score += 100.0 * sum(w in found for w in layer) / max(1, len(layer))
    return score


def _read(image: np.ndarray, langs: str, dpi: int, want_pdf: bool, png: bytes) -> tuple[tesseract.OcrResult,
                                                                                        list[dict]]:
    """One full reading of the page with `langs`, with the script's post-processing applied to its words."""
    arabic_script = script_of_language(langs.split("+")[0]) == "Arabic"
    result = tesseract.ocr(image, langs, dpi, want_pdf=want_pdf, png=png, mark_boxes=arabic_script)
    words = result.words
    if arabic_script:
        words = rtl_order.unreverse_words(words)
        words = restore_commas(words, result.mark_boxes, image)
    if language_of_model(langs) == "urd":
        words = urdu_words.repair(words)
    return result, words


def _choose_langs(cleaned: Cleaned) -> choose.Choice:
    """The models for the main pass (ocr/choose.py): the strip readings where the page is clear, both ways in
    doubt."""
    probe = cleaned.probe or choose.Probe(cleaned.image, tesseract.image_dpi(cleaned.dpi))
    return choose.choose(probe, cleaned.osd_script)


def encode_png(image: np.ndarray, bilevel: bool = False, filtered: bool = True) -> bytes:
    """PNG of the page: grey or colour, or 1 bit a pixel for a binarised page (`bilevel`, same pixels).

    Grey pages are written by ocr/pngfile.py (libdeflate, rows unfiltered) where libdeflate is installed: a
    binarised page in a third of OpenCV's time, a rendered one in the same time, each file smaller. Colour pages and
    the rest by OpenCV; `filtered=False` skips its per-row filter choice (half the time on a rendered page)."""
    data = pngfile.encode(image, bilevel) if bilevel or not filtered else None
    if data is not None:
        return data
    flags = [cv2.IMWRITE_PNG_COMPRESSION, 3] + ([cv2.IMWRITE_PNG_BILEVEL, 1] if bilevel else [])
    if not filtered:
        flags += [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    ok, data = cv2.imencode(".png", image, flags)
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return data.tobytes()


def encode_thumb(image: np.ndarray) -> bytes:
    """JPEG thumbnail about THUMB_WIDTH pixels wide."""
    # Every second row and column of a page four or more times the thumbnail's width first: area averaging over a
    # quarter of the pixels (15 ms a 300-DPI page less) gives a thumbnail the eye cannot tell from the full one.
    step = 2 if image.shape[1] >= 4 * THUMB_WIDTH else 1
    image = image[::step, ::step]
    factor = THUMB_WIDTH / image.shape[1]
    small = cv2.resize(image, (THUMB_WIDTH, max(1, round(image.shape[0] * factor))), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return data.tobytes()


