"""Page PNGs written with libdeflate (ocr/pngfile.py): every layout decodes to the very pixels it was given, and the
files are no bigger than OpenCV's."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from ocr import pipeline, pngfile
from tests.conftest import SAMPLES


def _page(colour: bool) -> np.ndarray:
    """s_vi_04 rendered at 150 DPI, with a red seal drawn on it when `colour`."""
    pixels = pdfium.PdfDocument(str(SAMPLES / "s_vi_04.pdf"))[0].render(scale=150 / 72).to_numpy()
    if colour:
        cv2.circle(pixels, (900, 1400), 120, (40, 40, 200), 8)
        return np.ascontiguousarray(pixels)
    return cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)


def test_libdeflate_is_installed() -> None:
    assert pngfile.available(), "libdeflate0 is missing (scripts/install.sh installs it)"


@pytest.mark.parametrize("layout", ["grey", "bilevel"])
def test_png_decodes_to_the_same_pixels(layout: str) -> None:
    image = _page(False)
    if layout == "bilevel":
        image = np.where(image > 127, 255, 0).astype(np.uint8)
    ours = pngfile.encode(image, bilevel=layout == "bilevel")
    assert ours is not None
    assert np.array_equal(cv2.imdecode(np.frombuffer(ours, np.uint8), cv2.IMREAD_UNCHANGED), image)
    flags = [cv2.IMWRITE_PNG_COMPRESSION, 3] + ([cv2.IMWRITE_PNG_BILEVEL, 1] if layout == "bilevel" else
                                                [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE])
    assert len(ours) <= len(cv2.imencode(".png", image, flags)[1])


def test_colour_page_is_left_to_opencv() -> None:
    """A page that keeps its colour (a red seal) is written by OpenCV, in colour."""
    image = _page(True)
    assert pngfile.encode(image) is None
    assert np.array_equal(cv2.imdecode(np.frombuffer(pipeline.encode_png(image, filtered=False), np.uint8),
                                       cv2.IMREAD_UNCHANGED), image)


def test_binarised_page_keeps_its_pixels_through_encode_png() -> None:
    """Pages OCR'd are stored 1 bit a pixel: the same pixels as OpenCV's 1-bit PNG gave."""
    image = np.where(_page(False) > 127, 255, 0).astype(np.uint8)
    opencv = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_BILEVEL, 1])[1]
    ours = pipeline.encode_png(image, bilevel=True)
    assert np.array_equal(cv2.imdecode(np.frombuffer(ours, np.uint8), cv2.IMREAD_UNCHANGED),
                          cv2.imdecode(opencv, cv2.IMREAD_UNCHANGED))
