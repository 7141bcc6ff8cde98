"""Metadata on pages it was not tuned on: the generated test set (docgen/, docs/testset.md) read by the pipeline.

Records of every kind in every language, rendered with known numbers and dates, degraded and OCR'd; the committed
OCR texts are parsed here, so the test needs no OCR. Type, number and issued date must each be right on 90 %.
"""

from __future__ import annotations

import json

import pytest

from docgen.build_set import DEFAULT_OUT
from docgen.score import FIELDS, same_number, score

TRUTH = json.loads((DEFAULT_OUT / "truth.json").read_text(encoding="utf-8"))


def test_set_covers_every_language_and_kind() -> None:
    languages = {t["language"] for t in TRUTH.values()}
    assert languages == {"vie", "eng", "urd", "ara"}
    kinds = {(t["language"], t["doc_type"]) for t in TRUTH.values()}
    assert len(kinds) >= 20 and len(TRUTH) >= 40


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_is_right_on_ninety_percent(field: str) -> None:
    shares, misses = score(DEFAULT_OUT)
    print({f: f"{s:.1%}" for f, s in shares.items()})
    assert shares[field] >= 0.90, [m for m in misses if m[1] == field]


def test_number_comparison_is_strict_about_what_matters() -> None:
    assert same_number("ایم سی ایم/2024/318", "ایم سی ایم/2024/318")
    assert same_number("ايم سي ايم/2024/318", "ایم سی ایم/2024/318")  # Arabic vs Urdu yeh: the same for search
    assert not same_number("ایم سی ایم/2024/319", "ایم سی ایم/2024/318")
    assert not same_number(None, "87/TB-UBND")
