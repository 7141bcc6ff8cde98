"""Highlight boxes cover exactly the matched word, in right-to-left text too: Tesseract's box of a word that runs
over its neighbours is clipped at their edges (search_api.highlight.tightened_boxes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from documents.model import page_key
from search_api.highlight import matching_boxes, tightened_boxes
from settings import Settings
from storage import open_store


def _word(text: str, left: int, width: int, line: int = 0) -> dict:
    return {"text": text, "left": left, "top": 100, "width": width, "height": 40, "conf": 90.0, "line": line}


def _centre(box: dict) -> float:
    return box["left"] + box["width"] / 2


def test_a_right_to_left_box_that_covers_the_words_read_before_it_is_clipped() -> None:
    # reading order right to left; the third box (as on s_ar_01) starts right but runs over the first two words
    words = [_word("بيانات", 1257, 123), _word("قطعة", 1141, 97), _word("الأرض", 986, 394), _word("رقم", 895, 74)]
    [box] = matching_boxes(words, "الأرض", 2000, 1000)
    assert (box["left"], box["width"]) == (49.3, 7.75)  # 986..1141 px: from its own left edge up to قطعة
    assert tightened_boxes(words)[:2] == words[:2] and tightened_boxes(words)[3] == words[3]


def test_left_to_right_boxes_are_clipped_the_same_way_and_sane_boxes_are_kept() -> None:
    words = [_word("Land", 100, 80), _word("record", 190, 300), _word("of", 300, 30), _word("2024", 340, 90)]
    tight = tightened_boxes(words)
    assert (tight[1]["left"], tight[1]["width"]) == (190, 110)  # stops where "of" starts
    assert [tight[i] for i in (0, 2, 3)] == [words[i] for i in (0, 2, 3)]
    # a clip that would leave less than a fifth of the box is not made
    odd = [_word("a", 100, 100), _word("b", 105, 100)]
    assert tightened_boxes(odd) == odd


@pytest.mark.slow
def test_arabic_sample_highlight_covers_only_the_matched_word(ingested_samples) -> None:
    env, summary = ingested_samples
    [doc] = [d for d in summary["documents"] if Path(d["path"]).name == "s_ar_01.jpg"]
    store = open_store(Settings(home=Path(env["RECORDS_HOME"])))
    words = json.loads(store.get_bytes(page_key(doc["id"], 1, "words.json")))
    [box] = matching_boxes(words, "الأرض", 100, 100)  # width/height 100: percent == pixels
    [word] = [w for w in words if w["text"] == "الأرض"]
    others = [w for w in words if w["line"] == word["line"] and w is not word]
    inside = [w["text"] for w in others if box["left"] < _centre(w) < box["left"] + box["width"]]
    assert inside == [], f"the box of الأرض also covers {inside}"
    assert box["width"] >= 60  # still the whole word (about 150 px at 300 dpi)
