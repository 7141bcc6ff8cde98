"""extract_metadata over the shared samples: their ground truth and saved OCR outputs, scored against .meta.json.

The OCR fixtures (tests/fixtures/metadata_ocr/, see its README) are real Tesseract outputs of the sample scans:
`plain` = tesseract on the upright page as is, `clean` = deskewed, upscaled and binarised first,
`pipeline` = the project's OCR pipeline (ocr.process_page). Thresholds sit just below what the extractor
reaches, so any regression fails; the score table is printed (pytest -s).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from metadata import extract_metadata

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
FIXTURES = Path(__file__).parent / "fixtures" / "metadata_ocr"
FIELDS = ("number", "date", "type", "language", "title")
# Samples (of 12) each field must get right, per input. Reached on 2026-11-30 (number/date/type/language/title):
# gt 12 everywhere; plain 9/10/11/12/9; clean 10/12/11/12/7; pipeline 10/10/10/11/8. Number, date and
# language are held at what is reached; type and title may lose one to a trade-off.
MINIMUM = {
    "gt": {"number": 12, "date": 12, "type": 12, "language": 12, "title": 12},
    "plain": {"number": 9, "date": 10, "type": 10, "language": 12, "title": 8},
    "clean": {"number": 10, "date": 12, "type": 10, "language": 12, "title": 6},
    "pipeline": {"number": 10, "date": 10, "type": 9, "language": 11, "title": 7},
}


def _norm(value: str | None) -> str:
    # How the scorer compares: case-insensitive after NFC and whitespace collapsing.
    return " ".join(unicodedata.normalize("NFC", value or "").casefold().split())


def _metas() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.meta.json"))]


def _pages(meta: dict, source: str) -> list[str]:
    if source == "gt":
        lines = (SAMPLES / meta["ground_truth"]).read_text(encoding="utf-8").splitlines()
        return ["\n".join(lines[p["gt_line_start"]:p["gt_line_start"] + p["gt_line_count"]])
                for p in meta["page_info"]]
    infix = "" if source == "plain" else f".{source}"
    return [(FIXTURES / f"{meta['id']}{infix}.p{n}.txt").read_text(encoding="utf-8")
            for n in range(1, meta["pages"] + 1)]


def _score(meta: dict, pages: list[str], language: str | None) -> dict[str, bool]:
    md = extract_metadata(pages, language)
    assert md.page_count == meta["pages"]
    return {
        "number": _norm(md.doc_number) == _norm(meta["document_number"]),
        "date": md.issued_date == meta["dates"][0],
        "type": md.doc_type == meta["doc_type"],
        "language": md.language == meta["language"],
        "title": _norm(md.title) == _norm(meta["title"]),
    }


def test_there_are_twelve_samples_with_fixtures_for_every_page() -> None:
    metas = _metas()
    assert len(metas) == 12
    for meta in metas:
        for source in MINIMUM:
            assert len(_pages(meta, source)) == meta["pages"]


@pytest.mark.parametrize("language_given", [True, False], ids=["language-given", "language-detected"])
@pytest.mark.parametrize("source", list(MINIMUM))
def test_sample_metadata_matches_the_ground_truth(source: str, language_given: bool) -> None:
    totals = dict.fromkeys(FIELDS, 0)
    rows = []
    for meta in _metas():
        result = _score(meta, _pages(meta, source), meta["language"] if language_given else None)
        for field, ok in result.items():
            totals[field] += ok
        rows.append(f"  {meta['id']}: " + " ".join(f"{f}={'ok' if ok else 'MISS'}" for f, ok in result.items()))
    print(f"\n{source} ({'given' if language_given else 'detected'} language): "
          + ", ".join(f"{f} {n}/12" for f, n in totals.items()) + "\n" + "\n".join(rows))
    for field, minimum in MINIMUM[source].items():
        assert totals[field] >= minimum, f"{source}: {field} right on {totals[field]}/12, expected >= {minimum}"


@pytest.mark.parametrize("name", ["s_vi_01", "s_vi_04", "s_en_01", "s_en_03", "s_ur_02", "s_ar_01"])
def test_ground_truth_fields_in_detail(name: str) -> None:
    meta = json.loads((SAMPLES / f"{name}.meta.json").read_text(encoding="utf-8"))
    md = extract_metadata(_pages(meta, "gt"), None)
    assert md.dates == meta["dates"]
    assert _norm(md.issuing_body) == _norm(meta["agency"])
    assert (md.doc_number or "") == meta["document_number"]
    assert md.title == meta["title"]


def test_bundled_scan_describes_its_first_document() -> None:
    meta = json.loads((SAMPLES / "s_vi_03.meta.json").read_text(encoding="utf-8"))
    first = meta["bundled_documents"][0]
    for source in MINIMUM:
        md = extract_metadata(_pages(meta, source), "vie")
        assert (md.doc_number, md.page_count) == (first["document_number"], 2), source
        assert md.dates == meta["dates"], source
