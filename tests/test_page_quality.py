"""Page quality at ingest: degraded copies of a sample (blurred, 100 dpi, dark, blank, cut off) go through the real
pipeline and come out flagged with the reason a clerk acts on (the blank one recorded blank); the clean sample is
not flagged; the batch ledger and the stored manifest carry the flags."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, records_json, run_records
from ocr.quality import Thresholds, assess, measure


def _bench():
    spec = importlib.util.spec_from_file_location("page_quality_bench", REPO / "bench" / "page_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, samples: Path):
    """s_en_01 and its five degraded copies ingested in one batch."""
    from conftest import records_env

    bench = _bench()
    folder = tmp_path_factory.mktemp("degraded")
    copies = bench.degraded_copies(samples / "s_en_01.png", folder)
    home = tmp_path_factory.mktemp("quality-home")
    env = records_env(home)
    summary = records_json(["ingest", str(samples / "s_en_01.png"), *map(str, copies.values()),
                            "--agency", "qa"], env)
    by_name = {Path(d["path"]).name: d for d in summary["documents"]}
    return env, by_name, bench


def test_degraded_pages_are_flagged_with_their_reason(ingested):
    env, docs, bench = ingested
    for how, expected in bench.EXPECTED.items():
        entry = docs[f"s_en_01.{how}.png"]
        assert entry["status"] == "processed", entry
        shown = records_json(["show", entry["id"]], env)
        page = shown["pages"][0]
        reasons = {f["reason"] for f in page["flags"]} | ({"blank"} if page["blank"] else set())
        assert reasons & expected, (how, page["quality"], page["flags"])
        # the batch ledger lists the same open flags
        assert {f["reason"] for f in entry["flags"]} == {f["reason"] for f in page["flags"]}
    blank = records_json(["show", docs["s_en_01.blank.png"]["id"]], env)["pages"][0]
    assert blank["blank"] and blank["flags"] == []


def test_clean_sample_is_not_flagged(ingested):
    env, docs, _ = ingested
    entry = docs["s_en_01.png"]
    page = records_json(["show", entry["id"]], env)["pages"][0]
    assert entry["flags"] == [] and page["flags"] == [] and not page["blank"]
    assert page["quality"]["dpi"] == pytest.approx(200, abs=1)
    assert page["quality"]["sharpness"] > Thresholds().min_sharpness


def test_review_queue_lists_the_flagged_pages_worst_first(ingested):
    env, docs, _ = ingested
    queue = records_json(["review", "--agency", "qa"], env)
    listed = {row["id"] for row in queue["pages"]}
    flagged = {d["id"] for name, d in docs.items() if d["flags"]}
    assert listed == flagged and docs["s_en_01.png"]["id"] not in listed
    rescans = [sum(f["kind"] == "rescan" for f in row["flags"]) for row in queue["pages"]]
    assert rescans == sorted(rescans, reverse=True)
    only_blurred = records_json(["review", "--reason", "blurred"], env)["pages"]
    assert [row["id"] for row in only_blurred] == [docs["s_en_01.blurred.png"]["id"]]
    text = run_records(["review", "--agency", "qa"], env).stdout
    assert "blurred" in text and "below 150 dpi" in text


def test_thresholds_come_from_settings(monkeypatch):
    page = np.full((1100, 850), 250, np.uint8)
    page[200:900:30, 100:750] = 30  # text-like rows of ink
    quality = measure(page, 100.0, True, [], None, None, 850)
    assert any(f.reason == "low_resolution" for f in assess(quality)[1])
    monkeypatch.setenv("RECORDS_QUALITY_MIN_DPI", "90")
    assert not any(f.reason == "low_resolution" for f in assess(quality)[1])
