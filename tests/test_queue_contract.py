"""Contract: the in-process queue and the RQ queue give the same stored result for the same ingest.

Only the queue differs between the two runs (both use the local store and the tantivy index), so any difference
is the queue's. The RQ run uses a real `records worker` process and `records ingest --wait`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import records_env, records_json
from distributed_support import Workers, distributed_env

pytestmark = pytest.mark.slow


# single image, two-page TIFF, born-digital PDF, Urdu image
SAMPLES = ("s_en_01.png", "s_vi_03.tif", "s_en_02.pdf", "s_ur_01.png")


def _stored(env: dict[str, str], summary: dict) -> dict[str, dict]:
    """What a user sees of each document: status, pages, metadata, text."""
    out = {}
    for doc in summary["documents"]:
        shown = records_json(["show", doc["id"]], env)
        md = shown["metadata"]
        out[Path(doc["path"]).name] = {
            "status": shown["status"], "error": shown.get("error"), "pages": len(shown["pages"]),
            "page_methods": [p["method"] for p in shown["pages"]], "text": shown["text"],
            "metadata": {k: md.get(k) for k in ("title", "doc_type", "doc_number", "issued_date", "language",
                                                "page_count", "ocr_confidence")},
        }
    return out


def test_in_process_and_rq_store_the_same_results(tmp_path: Path, samples: Path, workers: Workers) -> None:
    paths = [str(samples / name) for name in SAMPLES]
    args = ["ingest", *paths, "--agency", "province-a", "--visibility", "public"]

    embedded_env = records_env(tmp_path / "embedded")
    embedded = records_json(args, embedded_env)

    rq_env = distributed_env(tmp_path / "rq", 12)
    workers.start("w1", rq_env)
    distributed = records_json([*args, "--wait"], rq_env)

    assert embedded["counts"] == distributed["counts"] == {"processed": 4, "duplicate": 0, "rejected": 0,
                                                           "failed": 0}
    assert [(d["path"], d["id"], d["status"], d["pages"]) for d in embedded["documents"]] == \
        [(d["path"], d["id"], d["status"], d["pages"]) for d in distributed["documents"]]
    stored_embedded, stored_rq = _stored(embedded_env, embedded), _stored(rq_env, distributed)
    assert stored_embedded["s_vi_03.tif"]["pages"] == 2
    assert stored_embedded["s_en_02.pdf"]["page_methods"] == ["text_layer"]
    for name in SAMPLES:
        assert stored_rq[name] == stored_embedded[name], name

    # the same search gives the same hits, on the same pages
    for query in ("Harbor View Road", "tài liệu tồn đọng", "Clearpath Imaging Services"):
        hits_embedded = records_json(["search", query], embedded_env)["hits"]
        hits_rq = records_json(["search", query], rq_env)["hits"]
        assert hits_embedded, query
        assert [(h["id"], h["pages"]) for h in hits_rq] == [(h["id"], h["pages"]) for h in hits_embedded], query
