"""Orientation and script detection through libtesseract in this process, on a real sample page turned each way,
and on a sheet of four letters."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import cleanup, process_page, tesseract
from ocr.pipeline import _orientation
from sheets import sheet_copy
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def upright() -> np.ndarray:
    """s_en_01 at 150 dpi, binarised, as the pipeline hands pages to OSD."""
    gray = cv2.imread(str(SAMPLES / "s_en_01.png"), cv2.IMREAD_GRAYSCALE)
    small = cv2.resize(gray, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    return cleanup.binarize_otsu(small)


@pytest.mark.parametrize("turned_clockwise", [0, 90, 180, 270])
def test_osd_says_how_far_to_turn_the_page_back(upright: np.ndarray, turned_clockwise: int) -> None:
    page = np.ascontiguousarray(np.rot90(upright, k=-turned_clockwise // 90))
    found = tesseract.osd(page, 150)
    assert found is not None and found.script in ("Latin", "Cyrillic")  # OSD calls some Latin fonts Cyrillic
    assert found.rotate == (360 - turned_clockwise) % 360 and found.orientation_conf > 2
    assert np.array_equal(cleanup.rotate_quadrant(page, found.rotate), upright)


def test_blank_page_has_no_orientation() -> None:
    assert tesseract.osd(np.full((1200, 900), 255, np.uint8), 150) is None


def test_osd_answers_the_same_from_several_threads(upright: np.ndarray) -> None:
    """Each thread gets its own API (they are not thread-safe); pages of an upload run on threads."""
    turned = np.ascontiguousarray(np.rot90(upright, k=-1))
    answers: list[int | None] = []

    def detect() -> None:
        found = tesseract.osd(turned, 150)
        answers.append(found.rotate if found else None)

    threads = [threading.Thread(target=detect) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [270, 270, 270]


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four letters of s_vi_03 on one 300-dpi sheet (A2), two across and two down."""
    return sheet_copy(SAMPLES / "s_vi_03.tif", tmp_path_factory.mktemp("sheet") / "sheet.tif", across=2, down=2)


def test_osd_reads_the_middle_of_a_large_sheet(sheet: Path) -> None:
    # Shrunk whole to OSD's 3 megapixels (88 DPI), the upright sheet read as Cyrillic upside down (confidence 2.3),
    # and the page was turned; its middle 3 megapixels at 150 DPI read as upright Latin.
    gray = np.asarray(Image.open(sheet).convert("L"))
    assert _orientation(gray, 300.0) == (0, "Latin")
    assert _orientation(np.ascontiguousarray(np.rot90(gray, k=-1)), 300.0) == (270, "Latin")


@pytest.mark.parametrize("turned_clockwise", [0, 90])
def test_sheet_of_four_letters_is_read_upright_in_its_language(tmp_path: Path, sheet: Path,
                                                              turned_clockwise: int) -> None:
    # The middle of the sheet's inked rows is the blank band between its letters: a strip read there read nothing,
    # and English was chosen; at the nearest text line (a signature block) the page was in doubt and read with three
    # models. The strip is now read inside the first letter's text.
    page_file = tmp_path / "sheet.tif"
    Image.open(sheet).rotate(-turned_clockwise, expand=True).save(page_file, compression="group4", dpi=(300, 300))
    page = process_page(page_file, "tiff", 0)
    assert page.rotation == (360 - turned_clockwise) % 360
    assert page.language == "vie" and page.confidence > 90
    assert page.language_choice["how"] in ("strip", "osd+strip")  # decided from the strip: one full read, not three
    assert page.text.count("UBND TỈNH KHÁNH HÒA") == 4
