"""Open an input file and produce one page as an 8-bit grey image: PDFs via pypdfium2, images via PIL.

Every failure to read the file becomes `RejectedInput` with a reason a clerk can act on; nothing here decodes more
than the one page asked for, and pixel counts are checked before decoding so a pixel bomb cannot exhaust memory.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, UnidentifiedImageError

from documents.errors import RejectedInput

log = logging.getLogger(__name__)

IMAGE_KINDS = frozenset({"png", "jpeg", "tiff", "webp", "bmp", "gif", "heic"})
PDF_DPI = 300
# OCR gains nothing above this many pixels per page while memory and time keep growing (an A4 page at 300 DPI is
# 8.7 Mpx, A3 17.4 Mpx); huge posters are rendered at a lower DPI, huge images scaled down. Tesseract needs minutes
# for a 40 Mpx page (realworld enormous.pdf, hugemono.pdf).
RENDER_PIXEL_CAP = 20_000_000
# Plausible scanner resolutions; outside this range the file's DPI tag is wrong or missing.
DPI_RANGE = (70, 1200)
DEFAULT_IMAGE_DPI = 300
# A rendered page counts as colour with this many clearly coloured pixels (a red seal, a blue signature, a coloured
# heading); pdfium's anti-aliasing of black and grey ink makes none.
COLOUR_CHROMA = 32
MIN_COLOUR_PIXELS = 20

_heif_ready: bool | None = None


@dataclass
class RawPage:
    """One decoded page: grey pixels and the resolution they were scanned or rendered at."""

    gray: np.ndarray
    dpi: float
    dpi_known: bool


def _heif_available() -> bool:
    global _heif_ready
    if _heif_ready is None:
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_ready = True
        except Exception as exc:  # a broken libheif build must not take the other formats down
            log.warning("HEIC support unavailable: %s", exc)
            _heif_ready = False
    return _heif_ready


class _PdfDocument(pdfium.PdfDocument):
    """A PdfDocument that keeps the page it loaded last, with that page's text page.

    pdfium parses a page's content on every load (about 2 ms for a typed letter), and the steps of one born-digital
    page each ask for it: text layer, render, thumbnail, word boxes, pictures, rotation (seven loads before this).
    """

    _last: tuple[int, pdfium.PdfPage] | None = None

    def get_page(self, index: int) -> pdfium.PdfPage:
        """Page `index`, loaded once while it is the page being worked on."""
        if self._last is None or self._last[0] != index or not self._last[1].raw:
            page = super().get_page(index)
            page.get_textpage = functools.cache(page.get_textpage)  # the layer is read by three steps
            self._last = (index, page)
        return self._last[1]


class _KeptPdfDocument(_PdfDocument):
    """The document `open_pdf` keeps open in this process after its caller is done with it.

    A worker runs a document's pages one after another, and each page used to open the file again (about 1.5 ms
    of CPU: cross-reference table, catalogue, fonts). `close` hands the document back; it is really closed when
    another file is opened or after KEPT_PAGES pages (`release`)."""

    def close(self, _by_parent: bool = False) -> bool:
        """Hand the document back to `open_pdf` (it stays open for the next page of the same file)."""
        return False

    def release(self) -> None:
        """Close the document for good."""
        super().close()


# Per thread, (identity of the file, its open document, pages handed out): at most one, the last one the thread
# opened. Per thread, so that no thread closes a document another is reading (the server rebuilds pages for
# corrections on its request threads).
_local = threading.local()
# pdfium keeps every font and glyph a document has loaded until it is closed (about 0.75 MB a page of a PDF whose
# pages each embed their fonts): the document is opened afresh after this many pages, which bounds that memory and
# still spreads the cost of opening (1.5 ms) thin.
KEPT_PAGES = 16


def _open_pdf(path: Path, cls: type[_PdfDocument] = _PdfDocument) -> pdfium.PdfDocument:
    try:
        return cls(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise RejectedInput(
                "The PDF is password-protected or encrypted; remove the protection and upload it again.",
                "r_pdf_encrypted") from exc
        raise RejectedInput(f"The file is not a readable PDF (it may be corrupt or truncated): {message}",
                            "r_pdf_unreadable", detail=message) from exc


def _open_image(path: Path, kind: str) -> Image.Image:
    if kind == "heic" and not _heif_available():
        raise RejectedInput("HEIC images cannot be read on this server; convert the photo to JPEG or PNG.", "r_heic")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RejectedInput("The image has too many pixels to process safely; scan it at a lower resolution.",
                            "r_image_bomb") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise RejectedInput(f"The file is not a readable {kind.upper()} image (corrupt, truncated or another "
                            f"format): {exc}", "r_image_unreadable", kind=kind.upper(), detail=str(exc)) from exc


def _check_pixels(width: int, height: int, max_pixels: int, page: int) -> None:
    if width <= 0 or height <= 0:
        raise RejectedInput(f"Page {page} has no pixels (size {width}x{height}).", "r_page_no_pixels", page=page,
                            width=width, height=height)
    if width * height > max_pixels:
        raise RejectedInput(
            f"Page {page} is {width}x{height} pixels, more than the limit of {max_pixels:,}; scan it at a lower "
            "resolution.", "r_page_too_many_pixels", page=page, width=width, height=height, limit=f"{max_pixels:,}")


def count_pages(path: Path, kind: str, *, max_pixels: int = 200_000_000, max_pages: int = 2000) -> int:
    """Number of pages in a PDF or (multi-page) image, after checking that every page can be decoded.

    Args:
        path: the file.
        kind: content-sniffed type: png, jpeg, tiff, pdf, webp, bmp, gif or heic.
        max_pixels: largest image page accepted (PDF pages are rendered at a capped DPI instead).
        max_pages: most pages accepted.

    Raises:
        RejectedInput: encrypted, corrupt or truncated file, no pages, too many pages, too many pixels, wrong kind.
    """
    path = Path(path)
    if kind == "pdf":
        doc = _open_pdf(path)
        try:
            pages = len(doc)
            _check_count(pages, max_pages)
            for index in range(pages):
                width, height = doc[index].get_size()
                if not (width > 0 and height > 0):
                    raise RejectedInput(f"Page {index + 1} of the PDF has no size; the file is damaged.",
                                        "r_pdf_page_no_size", page=index + 1)
            return pages
        finally:
            doc.close()
    if kind not in IMAGE_KINDS:
        raise RejectedInput(f"Files of type '{kind}' cannot be OCR'd; upload a PDF or an image (PNG, JPEG, TIFF).",
                            "r_kind_not_ocr", kind=kind)
    with _open_image(path, kind) as image:
        pages = getattr(image, "n_frames", 1)
        _check_count(pages, max_pages)
        for index in range(pages):
            _seek(image, index)
            _check_pixels(*image.size, max_pixels, index + 1)
            _decode(image, index)
        return pages


def _check_count(pages: int, max_pages: int) -> None:
    if pages <= 0:
        raise RejectedInput("The file has no pages.", "r_no_pages")
    if pages > max_pages:
        raise RejectedInput(f"The file has {pages} pages, more than the limit of {max_pages}; split it into parts.",
                            "r_too_many_pages", pages=pages, limit=max_pages)


def _seek(image: Image.Image, index: int) -> None:
    try:
        image.seek(index)
    except (EOFError, OSError, ValueError) as exc:
        raise RejectedInput(f"Page {index + 1} of the image cannot be read; the file is truncated or corrupt.",
                            "r_image_page_unreadable", page=index + 1) from exc


def _decode(image: Image.Image, index: int) -> None:
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise RejectedInput(
            f"Page {index + 1} of the image cannot be decoded (corrupt or truncated file): {exc}",
            "r_image_page_undecodable", page=index + 1, detail=str(exc)) from exc


def to_gray(image: Image.Image, drop_colour: bool = False) -> np.ndarray:
    """8-bit grey pixels of any PIL mode: 1-bit, palette, 16/32-bit, CMYK, with alpha composited on white paper.

    With `drop_colour`, colour pages take the brightest channel per pixel: black print stays black while red seals
    and blue signatures (not part of a record's text) turn pale and drop out at binarisation.
    """
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        data = np.asarray(image, dtype=np.float64)
        low, high = float(data.min()), float(data.max())
        scale = 255.0 / (high - low) if high > low else 0.0
        return np.clip((data - low) * scale, 0, 255).astype(np.uint8)
    if mode == "P" or mode in ("LA", "PA", "La"):
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "RGBa"):
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, image.convert("RGBA"))
    if image.mode == "L":
        return np.asarray(image, dtype=np.uint8).copy()
    rgb = image.convert("RGB")
    if drop_colour:
        return _brightest_channel(np.asarray(rgb, dtype=np.uint8))
    return np.asarray(rgb.convert("L"), dtype=np.uint8).copy()


def _brightest_channel(rgb: np.ndarray) -> np.ndarray:
    """Per-pixel maximum of three colour channels (OpenCV: 5x faster than numpy's max over an axis)."""
    first, second, third = cv2.split(np.ascontiguousarray(rgb))
    return cv2.max(cv2.max(first, second), third)


def _image_dpi(image: Image.Image) -> tuple[float, bool]:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if DPI_RANGE[0] <= value <= DPI_RANGE[1]:
        return value, True
    return DEFAULT_IMAGE_DPI, False


def load_image_page(path: Path, kind: str, index: int, max_pixels: int, drop_colour: bool = False) -> RawPage:
    """Decode frame `index` of an image file, EXIF orientation applied."""
    with _open_image(Path(path), kind) as image:
        frames = getattr(image, "n_frames", 1)
        if not 0 <= index < frames:
            raise RejectedInput(f"Page {index + 1} does not exist; the image has {frames} page(s).",
                                "r_image_page_missing", page=index + 1, pages=frames)
        _seek(image, index)
        _check_pixels(*image.size, max_pixels, index + 1)
        _decode(image, index)
        dpi, known = _image_dpi(image)
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # a malformed EXIF block must not lose the page; the OSD step still fixes orientation
            log.warning("ignoring unreadable EXIF orientation in %s", path)
            upright = image
        gray = to_gray(upright, drop_colour)
    pixels = gray.shape[0] * gray.shape[1]
    if pixels > RENDER_PIXEL_CAP:
        factor = (RENDER_PIXEL_CAP / pixels) ** 0.5
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        dpi *= factor
    return RawPage(gray, dpi, known)


def pdf_render_scale(width_pt: float, height_pt: float, max_pixels: int, dpi: float = PDF_DPI) -> float:
    """Scale (pixels per point) that renders the page at `dpi`, lowered so it stays under the pixel caps."""
    cap = min(max_pixels, RENDER_PIXEL_CAP)
    scale = dpi / 72.0
    pixels = width_pt * height_pt * scale * scale
    if pixels > cap:
        scale *= (cap / pixels) ** 0.5
    return scale


def render_pdf_page(doc: pdfium.PdfDocument, index: int, max_pixels: int,
                    drop_colour: bool = False, dpi: float = PDF_DPI) -> tuple[np.ndarray, float]:
    """Render one page to grey pixels (forms drawn, /Rotate honoured) at `dpi`. Returns (pixels, scale in px per
    point).

    `drop_colour` as in `to_gray`: the brightest of the rendered colour channels."""
    width, height = doc[index].get_size()
    scale = pdf_render_scale(width, height, max_pixels, dpi)
    pixels = _render(doc, index, scale=scale, grayscale=not drop_colour)
    if pixels.ndim == 3:
        pixels = _brightest_channel(pixels[..., :3]) if drop_colour and pixels.shape[2] >= 3 else pixels[..., 0]
    return np.ascontiguousarray(pixels), scale


def _render(doc: pdfium.PdfDocument, index: int, **options) -> np.ndarray:
    """pdfium's rendering of one page (forms drawn) as pixels; its failure as `RejectedInput`."""
    try:
        return doc[index].render(may_draw_forms=True, **options).to_numpy()
    except pdfium.PdfiumError as exc:
        raise RejectedInput(f"Page {index + 1} of the PDF cannot be rendered (damaged content): {exc}",
                            "r_pdf_page_unrenderable", page=index + 1, detail=str(exc)) from exc


def render_colour(doc: pdfium.PdfDocument, index: int, scale: float) -> np.ndarray | None:
    """The page rendered in colour (BGR) at `scale` px per point, as `render_pdf_page` renders it in grey, when it
    shows colour; None when it shows none (a grey page is stored grey: a third of the bytes to encode)."""
    bgr = _render(doc, index, scale=scale)
    blue, green, red = cv2.split(bgr)
    chroma = cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))
    if cv2.countNonZero(cv2.compare(chroma, COLOUR_CHROMA, cv2.CMP_GE)) < MIN_COLOUR_PIXELS:
        return None
    return np.ascontiguousarray(bgr)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, mapping pdfium's errors to a clerk-actionable `RejectedInput`.

    The document stays open after `close()` for the next call on the same file (the next page of a document in a
    worker): the file is recognised by its path, inode, size and modification time, and by the process (a forked
    child does not share its parent's documents). Only the last file a thread opened is kept, for KEPT_PAGES calls."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError:
        return _open_pdf(path)  # pdfium says what is wrong with the path
    key = (os.getpid(), str(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    kept = getattr(_local, "kept", None)
    if kept is not None and kept[0] == key and kept[2] < KEPT_PAGES:
        _local.kept = (key, kept[1], kept[2] + 1)
        return kept[1]
    if kept is not None:
        _local.kept = None
        kept[1].release()
    doc = _open_pdf(path, _KeptPdfDocument)
    _local.kept = (key, doc, 1)
    return doc
