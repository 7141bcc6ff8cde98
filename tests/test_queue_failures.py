"""Failed jobs on the RQ queue: a page over its time limit fails its document with the reason (without useless
retries), `records status` shows the failed job, and `records retry` requeues it once the cause is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import records_json
from distributed_support import FAST, Workers, distributed_env, wait_for
from sample_set import SampleSet
from sheets import sheet_copy

pytestmark = pytest.mark.slow



def test_page_timeout_fails_the_document_and_retry_requeues_it(tmp_path: Path, sample_set: SampleSet,
                                                              workers: Workers) -> None:
    env = distributed_env(tmp_path / "home", 10, **FAST)
    scan = sample_set.scan("vie", multipage=True)
    wide = sheet_copy(scan.path, tmp_path / "wide.tif")
    doc_id = records_json(["ingest", str(wide), "--agency", "a"], env)["documents"][0]["id"]

    # a worker whose page time limit (1 s) is shorter than reading any page of the wide sheets (3-4 s each)
    workers.start("impatient", {**env, "RECORDS_PAGE_TIMEOUT": "1"}, "--burst").wait(timeout=600)
    shown = records_json(["show", doc_id], env)
    assert shown["status"] == "failed"
    assert "OCR took longer than 1 s" in shown["error"] and "page 1" in shown["error"]
    # the reason's message key travels with it through the workers: the web UI says it in the clerk's language
    from search_api.i18n import translate_message

    message = {"key": shown["error_key"], "params": shown["error_params"]}
    assert translate_message(message, "en") == shown["error"]
    assert "trang 1: nhận dạng chữ mất quá 1 giây" in translate_message(message, "vi")

    status = records_json(["status"], env)
    assert status["documents"] == {"failed": 1}
    assert status["queue"]["records-pages failed"] == scan.pages
    assert status["queue"]["jobs retried"] == 0  # the same page would time out again: not retried
    reasons = {k: v for k, v in status["queue"].items() if k.startswith("failed job ")}
    assert set(reasons) == {f"failed job doc-{doc_id}-page-{n}" for n in range(1, scan.pages + 1)}
    assert all("OCR took longer than 1 s" in r for r in reasons.values())

    # fixed (a normal worker): `records retry` runs the document again
    assert records_json(["retry"], env) == {"requeued": [doc_id]}
    workers.start("normal", env, "--burst").wait(timeout=600)
    shown = records_json(["show", doc_id], env)
    assert shown["status"] == "processed" and shown["error"] is None
    assert len(shown["pages"]) == scan.pages
    assert scan.phrase in shown["text"]
    status = records_json(["status"], env)
    assert status["documents"] == {"processed": 1}
    assert status["queue"]["records-pages failed"] == 0
    assert records_json(["retry"], env) == {"requeued": []}


def test_ingest_wait_reports_failures_from_the_workers(tmp_path: Path, sample_set: SampleSet,
                                                       workers: Workers) -> None:
    env = distributed_env(tmp_path / "home", 10, **FAST)
    workers.start("impatient", {**env, "RECORDS_PAGE_TIMEOUT": "1"})
    # Wide sheets: each page takes seconds to read (one letter's page can be read in under 1 s, and then nothing
    # fails).
    wide = sheet_copy(sample_set.scan("vie", multipage=True).path, tmp_path / "wide.tif")
    summary = wait_for(lambda: records_json(["ingest", str(wide), "--agency", "a", "--wait"], env,
                                            expect=1),  # exit 1: the batch ran, a file failed
                       600, "ingest --wait")
    [doc] = summary["documents"]
    assert doc["status"] == "failed"
    assert "page 1: OCR took longer than 1 s" in doc["error"]
    assert summary["counts"]["failed"] == 1
