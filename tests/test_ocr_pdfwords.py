"""Word boxes of born-digital pages from pdfium's character boxes: the same words, in the same places, as
pdfplumber's (the slower route they replaced), also on pages turned by /Rotate."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ocr import pdfwords, process_page
from ocr.textlayer import words_in_pixels
from tests.conftest import SAMPLES

SCALE = 150 / 72


def _rotated_copy(source: Path, rotation: int, tmp_path: Path) -> Path:
    doc = pdfium.PdfDocument(str(source))
    doc[0].set_rotation(rotation)
    out = tmp_path / f"{source.stem}-{rotation}.pdf"
    doc.save(str(out))
    return out


def _centres(words: list[dict]) -> list[tuple[float, float]]:
    return [(w["left"] + w["width"] / 2, w["top"] + w["height"] / 2) for w in words]


@pytest.mark.parametrize("name", ["s_vi_04.pdf", "s_en_02.pdf"])
def test_pdfium_words_match_pdfplumber_words(name: str) -> None:
    page = pdfium.PdfDocument(str(SAMPLES / name))[0]
    ours = pdfwords.words_in_pixels(page, page.get_textpage(), SCALE)
    theirs = words_in_pixels(SAMPLES / name, 0, SCALE, 0)
    assert ours is not None and len(ours) > 100
    assert [w["text"] for w in ours] == [w["text"] for w in theirs]
    # Same place within a few pixels (pdfium's loose boxes and pdfplumber's font boxes differ a little in height)
    for mine, other, word in zip(_centres(ours), _centres(theirs), ours, strict=True):
        assert abs(mine[0] - other[0]) <= 6 and abs(mine[1] - other[1]) <= 6, word


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_words_turn_with_the_page(rotation: int, tmp_path: Path) -> None:
    """A page with /Rotate renders turned clockwise; its word boxes turn with it."""
    upright = pdfium.PdfDocument(str(SAMPLES / "s_en_02.pdf"))[0]
    width, height = (round(v * SCALE) for v in upright.get_size())
    page = pdfium.PdfDocument(str(_rotated_copy(SAMPLES / "s_en_02.pdf", rotation, tmp_path)))[0]
    before = pdfwords.words_in_pixels(upright, upright.get_textpage(), SCALE)
    after = pdfwords.words_in_pixels(page, page.get_textpage(), SCALE)
    assert sorted(w["text"] for w in after) == sorted(w["text"] for w in before)
    turn = {90: lambda x, y: (height - y, x), 180: lambda x, y: (width - x, height - y),
            270: lambda x, y: (y, width - x)}[rotation]
    expected = [(w["text"], turn(x, y)) for w, (x, y) in zip(before, _centres(before), strict=True)]
    for word, (x2, y2) in zip(after, _centres(after), strict=True):  # (pdfium may list them in another order)
        assert any(text == word["text"] and abs(x - x2) <= 2 and abs(y - y2) <= 2 for text, (x, y) in expected), word


def test_text_layer_page_boxes_lie_on_its_page_image() -> None:
    page = process_page(SAMPLES / "s_en_02.pdf", "pdf", 0)
    assert page.method == "text_layer"
    assert page.words and all(w["left"] >= 0 and w["left"] + w["width"] <= page.width and w["top"] >= 0
                              and w["top"] + w["height"] <= page.height for w in page.words)
    assert " ".join(w["text"] for w in page.words).split() == page.text.split()
