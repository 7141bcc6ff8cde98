"""Each OpenCV cleanup step on generated pages with a known defect: the step must undo that defect."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import cleanup, tesseract
from ocr.pipeline import DEFAULT_CLEANUP, clean

DPI = 300
LINES = [
    "The quick brown fox jumps over the lazy dog",
    "Records management committee minutes 2024",
    "Licence number BL-24-03317 issued in April",
    "Land registration notice for parcel 147",
    "Please keep this certificate with your file",
    "Office of the treasurer and tax collector",
]


def text_page(lines: list[str] = LINES, size: tuple[int, int] = (1700, 2200)) -> np.ndarray:
    """A white page with black printed lines at 300 DPI sizes (a 12 pt font is 50 px)."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=50)  # Pillow's bundled TrueType font: same glyphs on every machine
    for row, line in enumerate(lines * 3):
        draw.text((150, 250 + row * 85), line, fill=0, font=font)
    return np.asarray(page).copy()


def read(image: np.ndarray) -> str:
    return tesseract.ocr(image, "eng", DPI, want_pdf=False).text


def test_grey_percentiles_are_numpys_to_the_last_bit() -> None:
    # The cleanup's paper levels and contrast stretch must not move by a bit: the cleaned page would change.
    rng = np.random.default_rng(1)
    samples = [rng.integers(0, 256, (37, 23)), rng.integers(250, 256, (5, 9)), rng.choice([0, 255], (40, 41)),
               rng.integers(0, 256, (1, 1)), text_page()[::4, ::4]]
    percents = [0.0, 0.5, 25.0, 50.0, 90.0, 99.9, 100.0, *rng.uniform(0, 100, 20)]
    for sample in samples:
        sample = sample.astype(np.uint8)
        assert cleanup.grey_percentiles(sample, percents) == [float(np.percentile(sample, p)) for p in percents]


@pytest.mark.parametrize("angle", [-7.5, -2.0, 1.25, 4.0, 9.0])
def test_estimate_skew_recovers_known_angle(angle: float) -> None:
    skewed = cleanup.rotate_by(text_page(), -angle)  # rotate_by turns clockwise; -angle skews counter-clockwise
    assert cleanup.estimate_skew(skewed) == pytest.approx(angle, abs=0.3)


def test_deskew_levels_page_so_tesseract_reads_it() -> None:
    skewed = cleanup.rotate_by(text_page(), -6.0)
    levelled, angle = cleanup.deskew(skewed)
    assert angle == pytest.approx(6.0, abs=0.3)
    assert "quick brown fox" in read(levelled)


def test_deskew_leaves_level_page_alone() -> None:
    page = text_page()
    levelled, angle = cleanup.deskew(page)
    assert abs(angle) < 0.3
    assert levelled.shape == page.shape


def test_remove_borders_whitens_dark_edges_and_keeps_text() -> None:
    page = text_page()
    page[:, :60] = 30  # scanner-lid shadow on the left
    page[-80:, :] = 20  # and along the bottom
    out = cleanup.remove_borders(page, DPI)
    assert out[:, :60].mean() > 250
    assert out[-80:, :].mean() > 250
    assert np.array_equal(out[200:1500, 100:1600] < 128, page[200:1500, 100:1600] < 128)  # text untouched


def test_remove_punch_holes_fills_holes_near_edge_only() -> None:
    page = text_page()
    mm = DPI / 25.4
    holes = [(int(12 * mm), 700), (int(12 * mm), 1500)]
    for centre in holes:
        cv2.circle(page, centre, int(3 * mm), 40, -1)
    inner = (850, 1000)  # a dot-like blob among the text is not a punch hole
    cv2.circle(page, inner, int(3 * mm), 40, -1)
    out = cleanup.remove_punch_holes(page, DPI)
    for x, y in holes:
        assert out[y - 20: y + 20, x - 20: x + 20].min() > 200
    assert out[inner[1], inner[0]] < 100
    assert np.array_equal(out[200:1300, 300:1600], page[200:1300, 300:1600])


def test_normalize_illumination_flattens_gradient_and_stretches_contrast() -> None:
    page = text_page().astype(np.float64)
    gain = np.linspace(0.45, 1.0, page.shape[1])[None, :]  # dark left side, like a book-edge shadow
    dim = (85 + page * (200 - 85) / 255) * gain  # low contrast: ink 85, paper 200, then shaded
    out = cleanup.normalize_illumination(dim.astype(np.uint8), DPI)
    paper = out[100:200, :]  # a band with no text
    assert paper[:, :200].mean() > 235 and paper[:, -200:].mean() > 235
    ink = out[text_page() < 60]
    assert np.median(ink) < 90


def test_denoise_removes_salt_and_pepper() -> None:
    rng = np.random.default_rng(7)
    page = text_page()
    noisy = page.copy()
    specks = rng.random(page.shape) < 0.01
    noisy[specks] = 0
    out = cleanup.denoise(noisy)
    blank = np.s_[30:200, :]  # a band above the first line
    assert (noisy[blank] < 128).sum() > 1000
    assert (out[blank] < 128).sum() < 0.02 * (noisy[blank] < 128).sum()


def test_sauvola_binarisation_keeps_text_on_shaded_paper() -> None:
    page = text_page().astype(np.float64)
    shaded = (page * np.linspace(0.5, 1.0, page.shape[0])[:, None]).astype(np.uint8)  # dark top
    out = cleanup.binarize_sauvola(shaded, DPI)
    assert set(np.unique(out)) <= {0, 255}
    assert out[30:200, :].mean() > 250  # shaded paper became white
    assert "quick brown fox" in read(out)


@pytest.mark.parametrize("clockwise", [90, 180, 270])
def test_orientation_step_turns_page_upright(clockwise: int) -> None:
    page = text_page()
    turned = cleanup.rotate_quadrant(page, clockwise)
    cleaned = clean(turned, DPI, DEFAULT_CLEANUP)
    assert (cleaned.rotation + clockwise) % 360 == 0
    assert cleaned.osd_script == "Latin"
    assert "quick brown fox" in read(cleaned.image)


def test_upscale_brings_low_resolution_scan_to_300_dpi() -> None:
    small = cv2.resize(text_page(), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    big, dpi = cleanup.upscale(small, 150)
    assert dpi == 300
    assert big.shape == (small.shape[0] * 2, small.shape[1] * 2)
    same, same_dpi = cleanup.upscale(small, 300)
    assert same is small and same_dpi == 300
