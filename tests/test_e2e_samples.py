"""End to end on the embedded default: every shared sample ingested with real OCR, then found and scored.

The quality thresholds sit a little above what the pipeline reaches today (see the closing notes), so a
regression fails; the issue's targets are asserted too.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import SHARED, records_json

pytestmark = pytest.mark.slow


def _scorer():
    spec = importlib.util.spec_from_file_location("score_samples", SHARED / "tools" / "score_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# a distinctive phrase of each sample's ground truth
PHRASES = {
    "s_vi_01": "niêm yết công khai",
    "s_vi_02": "niêm yết công khai",
    "s_vi_03": "tài liệu tồn đọng",
    "s_vi_04": "tài liệu tồn đọng",
    "s_ar_01": "قطعة الأرض",
    "s_ar_02": "قطعة الأرض",
    "s_en_01": "Harbor View Road",
    "s_en_02": "Clearpath Imaging Services",
    "s_en_03": "Finch Bookbinding",
    "s_en_04": "Harbor View Road",
    "s_ur_01": "منظور ہوئے تھے",
    "s_ur_02": "زوجہ غلام رسول",
}

# Mean line CER and word recall per language. Each guard sits just beyond today's measurement, so a regression
# fails. Urdu is read with the model trained here (ocr/tessdata/urd_records.traineddata, never trained on the
# samples' font); the issue's Urdu targets are recall >= 60 % and line CER <= 12 %.
# Measured 2026-12-02: line CER eng 0.23 %, vie 0.44 %, ara 0.08 %, urd 11.5 % (22.8 % with Debian's urd);
# recall eng 99.0 %, vie 98.1 %, ara 99.5 %, urd 70.4 % (40.6 %).
GUARD_LINE_CER = {"eng": 0.005, "vie": 0.005, "ara": 0.004, "urd": 0.12}
GUARD_RECALL = {"eng": 0.97, "vie": 0.97, "ara": 0.985, "urd": 0.65}


def _ids(summary: dict) -> dict[str, str]:
    return {Path(d["path"]).name.split(".")[0]: d["id"] for d in summary["documents"] if d["status"] == "processed"}


def _meta(samples: Path, name: str) -> dict:
    return json.loads((samples / f"{name}.meta.json").read_text())


def test_every_sample_is_processed_and_the_ledger_balances(ingested_samples, samples: Path) -> None:
    _, summary = ingested_samples
    docs = {Path(d["path"]).name: d for d in summary["documents"]}
    inputs = [p for p in samples.iterdir() if p.is_file()]
    assert sum(summary["counts"].values()) == len(inputs) == len(summary["documents"])
    for name in PHRASES:
        meta = _meta(samples, name)
        doc = docs[meta["file"]]
        assert doc["status"] == "processed", doc
        assert doc["pages"] == meta["pages"]
    # the ground-truth and metadata files beside the scans are not scans: each is rejected with a reason
    for name, doc in docs.items():
        if name.endswith((".txt", ".json", ".md")):
            assert doc["status"] == "rejected" and doc["error"]


@pytest.mark.parametrize("name", sorted(PHRASES))
def test_every_sample_is_found_by_a_distinctive_phrase(ingested_samples, name: str) -> None:
    env, summary = ingested_samples
    result = records_json(["search", f'"{PHRASES[name]}"', "--limit", "20"], env)
    hit = next((h for h in result["hits"] if h["id"] == _ids(summary)[name]), None)
    assert hit is not None, f"{name} not found by {PHRASES[name]!r}: {[h['title'] for h in result['hits']]}"
    assert hit["pages"], "the hit says which pages matched"
    assert any("<mark>" in s for s in hit["highlights"])


def test_tone_folded_query_finds_vietnamese_and_exact_ranks_first(ingested_samples) -> None:
    env, summary = ingested_samples
    folded = records_json(["search", "niem yet cong khai"], env)
    assert {_ids(summary)["s_vi_01"], _ids(summary)["s_vi_02"]} <= {h["id"] for h in folded["hits"]}


def test_ocr_quality_meets_targets_and_beats_the_guard(ingested_samples, samples: Path) -> None:
    env, summary = ingested_samples
    scorer = _scorer()
    ids = _ids(summary)
    per_lang: dict[str, list[tuple[float, float]]] = {}
    for name in PHRASES:
        meta = _meta(samples, name)
        shown = records_json(["show", ids[name]], env)
        reference = (samples / meta["ground_truth"]).read_text(encoding="utf-8")
        per_lang.setdefault(meta["language"], []).append(
            (scorer.line_error_rate(shown["text"], reference), scorer.word_recall(shown["text"], reference)))
    report = {lang: (sum(c for c, _ in v) / len(v), sum(r for _, r in v) / len(v)) for lang, v in per_lang.items()}
    print("line CER / recall per language:", {k: (f"{c:.2%}", f"{r:.2%}") for k, (c, r) in report.items()})
    for lang, (cer, recall) in report.items():
        assert cer <= GUARD_LINE_CER[lang], f"{lang} line CER {cer:.2%} above {GUARD_LINE_CER[lang]:.2%}"
        assert recall >= GUARD_RECALL[lang], f"{lang} word recall {recall:.2%} below {GUARD_RECALL[lang]:.2%}"


def test_metadata_number_date_and_language(ingested_samples, samples: Path) -> None:
    """A sample without a number (empty in its metadata) is right when we report none (null)."""
    env, summary = ingested_samples
    ids = _ids(summary)
    number_ok = date_ok = language_ok = 0
    for name in PHRASES:
        meta = _meta(samples, name)
        md = records_json(["show", ids[name]], env)["metadata"]
        number_ok += (md["doc_number"] or "").casefold() == meta["document_number"].casefold()
        date_ok += md["issued_date"] == meta["dates"][0]
        language_ok += md["language"] == meta["language"]
    print(f"number {number_ok}/12, date {date_ok}/12, language {language_ok}/12")
    assert number_ok >= 10 and date_ok >= 10 and language_ok == 12


def test_show_returns_the_manifest_with_derivatives_listed(ingested_samples) -> None:
    env, summary = ingested_samples
    shown = records_json(["show", _ids(summary)["s_vi_03"]], env)
    assert shown["status"] == "processed" and shown["metadata"]["page_count"] == 2
    assert [p["number"] for p in shown["pages"]] == [1, 2]
    assert shown["pipeline_version"] and shown["original"]["sha256"]
    home = Path(env["RECORDS_HOME"]) / "store" / "documents" / shown["id"]
    for name in ("original.tif", "manifest.json", "searchable.pdf", "text.txt", "pages/0001.png",
                 "pages/0002.thumb.jpg", "pages/0002.words.json"):
        assert (home / name).is_file(), name
