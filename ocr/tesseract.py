"""The one place that runs Tesseract: page OCR (text, word boxes and a PDF from one read) and orientation and script
detection.

Page reads run in this process through libtesseract (ocr/libtesseract.py: no process start, models loaded once per
thread) by default; `RECORDS_OCR_ENGINE=program` runs the `tesseract` program per read instead (the fallback, e.g.
where the library cannot be loaded). Both give the same text, word boxes and PDF (tests/test_ocr_library.py).
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from documents.errors import ProcessingFailed
from ocr import lexicon, libtesseract

log = logging.getLogger(__name__)

TESSERACT = "tesseract"
OCR_TIMEOUT_S = 300
# Tesseract drops a text row it takes for noise; on s_ar_02 that was the short last line of a paragraph ("في
# المديرية."). Off: ara line CER 0.96 % -> 0.72 %, the other samples unchanged.
KEEP_ALL_ROWS = {"textord_noise_rejrows": "0"}
ENGINES = ("library", "program")


@dataclass
class OcrResult:
    """What one tesseract run over a page gives back."""

    text: str
    words: list[dict]
    confidence: float | None
    pdf: bytes
    # Index of a word ending in "." or "," -> that mark's box (left, top, right, bottom); with `mark_boxes=True` only.
    mark_boxes: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)


@dataclass
class Osd:
    """Orientation and script detection: `rotate` is the clockwise turn that makes the page upright."""

    rotate: int
    orientation_conf: float
    script: str | None
    script_conf: float


def engine() -> str:
    """How pages are read: "library" (in this process, the default) or "program" (RECORDS_OCR_ENGINE)."""
    chosen = (os.environ.get("RECORDS_OCR_ENGINE") or "library").strip().lower()
    if chosen not in ENGINES:
        raise ProcessingFailed(f"RECORDS_OCR_ENGINE must be one of {', '.join(ENGINES)}, not '{chosen}'.",
                               "r_ocr_engine", engines=", ".join(ENGINES), chosen=chosen)
    return chosen


def preload() -> None:
    """Load the OCR models and the dictionaries of the configured languages into this process now, when pages are
    read in it: an RQ worker forks a process per job, the embedded pool a process per core, and processes forked
    after this share them instead of loading them again (0.8 s of CPU for the models, 0.7 s for the dictionaries
    that page quality and the Urdu repair look words up in)."""
    from ocr.language import configured_languages, language_of_model, urdu_model

    languages = configured_languages()
    for lang in {language_of_model(code) for code in languages}:
        lexicon.words(lang)
    if engine() != "library":
        return
    # The models the automatic choice reads with (ocr/choose.py); others (a fixed "vie+eng") load on first use.
    for lang in ("osd", *(urdu_model() if code == "urd" else code for code in languages)):
        try:
            libtesseract.preload([] if lang == "osd" else [lang])
        except ProcessingFailed as exc:  # a missing model fails the pages that need it, not the worker
            log.warning("not preloaded: %s", exc)


def _env() -> dict[str, str]:
    # One thread per tesseract: parallelism comes from one process per page; its own threading is 3.6-6x slower here.
    return dict(os.environ, OMP_THREAD_LIMIT="1")


def _run(argv: list[str], timeout: int) -> subprocess.CompletedProcess:
    log.debug("running %s", argv)
    try:
        return subprocess.run(argv, capture_output=True, timeout=timeout, env=_env(), check=False)
    except subprocess.TimeoutExpired as exc:
        raise ProcessingFailed(f"OCR of the page took longer than {timeout} s and was stopped.", "r_ocr_timeout",
                               seconds=timeout) from exc
    except FileNotFoundError as exc:
        raise ProcessingFailed("The tesseract program is not installed on this server.", "r_tess_missing") from exc


def _write_png(image: np.ndarray, path: Path) -> None:
    # Compression level 1: the file only lives for one tesseract call, speed matters more than size.
    if not cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 1]):
        raise ProcessingFailed("Could not write the page image for OCR.", "r_ocr_write")


def osd(image: np.ndarray, dpi: int) -> Osd | None:
    """Tesseract orientation and script detection (in this process, see ocr/libtesseract.py); None when the page has
    too little text to tell, or OSD cannot run (orientation is an optimisation: the page is then read upright)."""
    try:
        found = libtesseract.detect_orientation(image, dpi)
    except ProcessingFailed as exc:
        log.warning("OSD gave no answer: %s", exc)
        return None
    if found is None:
        log.info("OSD found too little text to tell the page's orientation")
        return None
    rotate, orientation_conf, script, script_conf = found
    return Osd(rotate, orientation_conf, script or None, script_conf)


def ocr(image: np.ndarray, lang: str, dpi: int, *, psm: int = 3, want_pdf: bool = True,
        png: bytes | None = None, mark_boxes: bool = False) -> OcrResult:
    """OCR one page image: text in reading order, word boxes with confidences, and a searchable one-page PDF.

    `png`, when given, is the already encoded page (saves encoding it twice). `mark_boxes` also returns the box of
    the "." or "," that ends a word (from tesseract's hOCR character boxes), to tell an Arabic comma by its shape."""
    with tempfile.TemporaryDirectory(prefix="records-ocr-") as tmp:
        src, base = Path(tmp) / "page.png", Path(tmp) / "out"
        if png is not None:
            src.write_bytes(png)
        else:
            _write_png(image, src)
        outputs = ["tsv"] + (["hocr"] if mark_boxes else []) + (["pdf"] if want_pdf else [])
        # Every variable given on every read: the library's API keeps a value set by an earlier read.
        variables = {**KEEP_ALL_ROWS, "hocr_char_boxes": "1" if mark_boxes else "0"}
        _read(src, base, lang, psm, dpi, outputs, variables)
        words = parse_tsv(base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace"))
        marks = parse_mark_boxes(base.with_suffix(".hocr").read_text(encoding="utf-8", errors="replace"),
                                 words) if mark_boxes else {}
        pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else b""
    confs = [w["conf"] for w in words]
    return OcrResult(text_of(words), words, round(sum(confs) / len(confs), 2) if confs else None, pdf, marks)


def _read(src: Path, base: Path, lang: str, psm: int, dpi: int, outputs: list[str], variables: dict[str, str]) -> None:
    """Read the page image `src` into base.tsv / .hocr / .pdf with the chosen engine."""
    if engine() == "library":
        libtesseract.read_page(src, base, lang, psm=psm, dpi=dpi, outputs=outputs, variables=variables,
                               timeout_s=OCR_TIMEOUT_S)
        return
    config = [arg for name, value in variables.items() for arg in ("-c", f"{name}={value}")]
    argv = [TESSERACT, str(src), str(base), "-l", lang, "--psm", str(psm), "--dpi", str(dpi), *config, *outputs]
    proc = _run(argv, OCR_TIMEOUT_S)
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise ProcessingFailed(f"Tesseract failed on the page (exit {proc.returncode}): {stderr.strip()[-300:]}",
                               "r_tess_failed", code=proc.returncode, detail=stderr.strip()[-300:])


def text_of(words: list[dict]) -> str:
    """The page text from its words: one line per text line, words joined by a space (what tesseract's txt
    output holds, without the blank lines between paragraphs)."""
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word["line"], []).append(word["text"])
    return "\n".join(" ".join(line) for line in lines.values())


def parse_tsv(tsv: str) -> list[dict]:
    """Word rows (level 5) of tesseract's TSV output as dicts: text, left, top, width, height, conf, and line (a
    running number of the text line the word is on, in reading order)."""
    words: list[dict] = []
    line_ids: dict[tuple[str, ...], int] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        words.append({"text": row["text"].strip(), "left": int(row["left"]), "top": int(row["top"]),
                      "width": int(row["width"]), "height": int(row["height"]),
                      "conf": round(max(0.0, float(row["conf"])), 2),
                      "line": line_ids.setdefault(key, len(line_ids))})
    return words


_HOCR_WORD = re.compile(r"<span class='ocrx_word'[^>]*title='bbox (\d+) (\d+) (\d+) (\d+);")
_HOCR_CHAR = re.compile(r"x_bboxes (\d+) (\d+) (\d+) (\d+);[^']*'>([^<]*)</span>")


def parse_mark_boxes(hocr: str, words: list[dict]) -> dict[int, tuple[int, int, int, int]]:
    """For each word (index into `words`, matched by its box) whose text ends in "." or ",", that character's box
    from hOCR written with hocr_char_boxes=1."""
    index = {(w["left"], w["top"], w["left"] + w["width"], w["top"] + w["height"]): i for i, w in enumerate(words)}
    starts = list(_HOCR_WORD.finditer(hocr))
    ends = [match.start() for match in starts[1:]] + [len(hocr)]  # one more than starts when there are none
    found = {}
    for match, end in zip(starts, ends, strict=False):
        chars = _HOCR_CHAR.findall(hocr, match.end(), end)
        box = tuple(int(v) for v in match.group(1, 2, 3, 4))
        if chars and chars[-1][4] in ".," and box in index and words[index[box]]["text"].endswith(chars[-1][4]):
            found[index[box]] = tuple(int(v) for v in chars[-1][:4])
    return found


def image_dpi(scale_dpi: float) -> int:
    """DPI tesseract should be told, as an int in its accepted range."""
    return int(np.clip(round(scale_dpi), 70, 2400))
