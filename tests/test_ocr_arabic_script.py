"""Arabic-script OCR repairs on real pages and real tesseract: the Arabic comma, short lines, Urdu words."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import lexicon, process_page, tesseract, urdu_words
from ocr.arabic_comma import ARABIC_COMMA, restore_commas
from tests.conftest import SAMPLES


def _word(text: str, left: int = 0, width: int = 100, line: int = 0, conf: float = 90.0) -> dict:
    return {"text": text, "left": left, "top": 10, "width": width, "height": 60, "conf": conf, "line": line}


def test_arabic_page_keeps_its_commas_full_stops_and_short_last_line() -> None:
    """s_ar_02 has four Arabic commas and four full stops; tesseract reads every comma as "." and used to drop the
    two-word line "في المديرية." as noise."""
    page = process_page(SAMPLES / "s_ar_02.tif", "tiff", 0)
    words = page.text.split()
    for comma_word in ("الحصن،", "مربعاً،", "الحصص،", "الشخصية،"):
        assert comma_word in words
    for stop_word in ("المديرية.", "تاريخه.", "إلكترونياً.", "م."):
        assert stop_word in words
    assert "في المديرية." in page.text
    assert page.text == tesseract.text_of(page.words)  # the word boxes carry the same repaired words


def test_latin_comma_after_an_arabic_letter_is_the_arabic_comma() -> None:
    blank = np.full((100, 400), 255, np.uint8)
    words = [_word("الحصن,"), _word("2,000"), _word("وذلك")]
    assert [w["text"] for w in restore_commas(words, {}, blank)] == ["الحصن" + ARABIC_COMMA, "2,000", "وذلك"]


@pytest.mark.parametrize(("size", "expected"), [((10, 17), ARABIC_COMMA), ((9, 9), "."), ((10, 11), ".")])
def test_full_stop_or_comma_is_told_by_the_shape_of_the_ink(size: tuple[int, int], expected: str) -> None:
    """A round dot stays a full stop; a blob half again as tall as wide is the comma."""
    image = np.full((120, 300), 255, np.uint8)
    width, height = size
    cv2.ellipse(image, (150, 60), (width // 2, height // 2), 0, 0, 360, 0, -1)
    cv2.rectangle(image, (170, 30), (260, 80), 0, -1)  # the word's letters, to the right of the mark
    box = (150 - width // 2 - 1, 60 - height // 2 - 1, 150 + width // 2 + 1, 60 + height // 2 + 1)
    [word] = restore_commas([_word("المديرية.")], {0: box}, image)
    assert word["text"] == "المديرية" + expected


def test_full_stop_after_a_digit_or_without_a_box_is_left_alone() -> None:
    blank = np.full((100, 400), 255, np.uint8)
    words = [_word("2024."), _word("الشمال.")]
    assert [w["text"] for w in restore_commas(words, {}, blank)] == ["2024.", "الشمال."]


def test_urdu_dictionary_is_read_from_the_installed_model() -> None:
    words = lexicon.words("urd")
    assert len(words) > 10_000
    assert {"کارپوریشن", "دستاویزات", "ہے", "کہ"} <= words
    assert not any("\u202b" in w for w in words)
    assert lexicon.words("no-such-model") == frozenset()


def test_urdu_space_put_one_letter_early_is_moved() -> None:
    words = [_word("منظور", 300), _word("یکی", 200), _word("اصل", 100)]
    out = urdu_words.repair(words)
    assert [w["text"] for w in out] == ["منظوری", "کی", "اصل"]
    assert [w["left"] for w in out] == [300, 200, 100]  # boxes stay with their words


def test_urdu_words_run_together_are_split_with_their_box() -> None:
    [first, second] = urdu_words.repair([_word("شہرکے", left=100, width=100)])
    assert (first["text"], second["text"]) == ("شہر", "کے")
    # right to left: the first word is the right-hand part of the box
    assert first["left"] > second["left"] and first["width"] + second["width"] == 100


def test_urdu_fragments_are_joined_into_one_box() -> None:
    [joined] = urdu_words.repair([_word("دستاو", 200, 50, conf=70), _word("یزات", 120, 60, conf=80)])
    assert joined["text"] == "دستاویزات"
    assert (joined["left"], joined["width"], joined["conf"]) == (120, 130, 70)


@pytest.mark.parametrize(("read", "meant"), [("ضردری", "ضروری"), ("معلوبات", "معلومات"), ("وستاویزات:", "دستاویزات:")])
def test_urdu_misread_letter_is_corrected_when_one_word_fits(read: str, meant: str) -> None:
    assert [w["text"] for w in urdu_words.repair([_word(read)])] == [meant]


@pytest.mark.parametrize("text", ["جڑانوالہ", "کارپوریشن", "2024/318", "نمبر:", "ABC"])
def test_urdu_known_words_names_and_numbers_are_left_alone(text: str) -> None:
    assert [w["text"] for w in urdu_words.repair([_word(text)])] == [text]


def test_urdu_lines_are_repaired_separately() -> None:
    """A letter is never moved across a line break."""
    out = urdu_words.repair([_word("منظور", line=0), _word("یکی", line=1)])
    assert [(w["text"], w["line"]) for w in out] == [("منظور", 0), ("یکی", 1)]
