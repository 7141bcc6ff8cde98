"""Distributed mode end to end: Redis, the S3 server and Elasticsearch, two `records worker` processes.

Every shared sample is ingested (`--wait`), found by a phrase of its text on the right pages, its original and
derivatives are in the S3 bucket, `records reindex` leaves the same hits, and `records status` and the metrics
show the work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO, records_json, run_records
from distributed_support import Workers, distributed_env

pytestmark = [pytest.mark.slow, pytest.mark.distributed]

# a distinctive phrase of each sample's ground truth, and the page it is on
PHRASES = {
    "s_vi_01": ("niêm yết công khai", 1),
    "s_vi_03": ("tài liệu tồn đọng", 1),
    "s_vi_04": ("tài liệu tồn đọng", 1),
    "s_ar_01": ("قطعة الأرض", 1),
    "s_en_01": ("Harbor View Road", 1),
    "s_en_02": ("Clearpath Imaging Services", 1),
    "s_en_03": ("Finch Bookbinding", 1),
    "s_ur_01": ("ملتان", 1),  # Urdu OCR is still rough; the city name comes through
}



def _bucket_keys(env: dict[str, str]) -> set[str]:
    from minio import Minio

    endpoint = urlsplit(env["RECORDS_S3_ENDPOINT"])
    client = Minio(endpoint.netloc, access_key=env["RECORDS_S3_ACCESS_KEY"], secret_key=env["RECORDS_S3_SECRET_KEY"],
                   secure=endpoint.scheme == "https")
    return {o.object_name for o in client.list_objects(env["RECORDS_S3_BUCKET"], prefix="documents/", recursive=True)}


def _hits(env: dict[str, str]) -> dict[str, list[tuple[str, list[int]]]]:
    return {name: [(h["id"], h["pages"]) for h in records_json(["search", f'"{phrase}"', "--limit", "50"], env)["hits"]]
            for name, (phrase, _) in PHRASES.items()}


def test_samples_through_two_workers_on_redis_s3_and_elasticsearch(tmp_path: Path, samples: Path,
                                                                   workers: Workers) -> None:
    env = distributed_env(tmp_path / "home", 13, s3=True, es=True)
    # Create the index before the workers start: ElasticIndex._ensure races when two processes create a fresh
    # index at once (both aliases end up on the alias, which then has no write index); reported to its owner.
    assert records_json(["status"], env)["indexed"] == 0
    workers.start("w1", env)
    workers.start("w2", env)
    # exit 0: the ground-truth files beside the scans are rejected (a final state), no file failed
    summary = records_json(["ingest", str(samples), "--agency", "province-a", "--visibility", "public", "--wait"], env)

    scans = {d["path"]: d for d in summary["documents"] if d["status"] != "rejected"}
    assert len(scans) == 12
    assert all(d["status"] == "processed" for d in scans.values()), [d for d in scans.values()
                                                                     if d["status"] != "processed"]
    ids = {Path(path).name.split(".")[0]: d["id"] for path, d in scans.items()}
    pages = {Path(path).name.split(".")[0]: d["pages"] for path, d in scans.items()}
    assert pages["s_vi_03"] == 2

    # both workers took part, and each document was assembled exactly once
    for name in ("w1", "w2"):
        assert '"stage": "page"' in workers.log(name), f"worker {name} ran no page job"
    for doc_id in ids.values():
        assert len(workers.events("assemble", doc_id)) == 1

    # every sample is searchable, on the page its phrase is on
    hits = _hits(env)
    for name, (phrase, page) in PHRASES.items():
        found = dict(hits[name])
        assert ids[name] in found, f"{name}: {phrase!r} not found"
        assert page in found[ids[name]], f"{name}: {phrase!r} not on page {page}: {found[ids[name]]}"

    # originals and derivatives are in the S3 server
    keys = _bucket_keys(env)
    for name, doc_id in ids.items():
        ext = next(Path(p).suffix for p in scans if Path(p).name.startswith(name + "."))
        for key in (f"original{ext}", "manifest.json", "searchable.pdf", "text.txt"):
            assert f"documents/{doc_id}/{key}" in keys, f"{name}: {key} missing"
        for n in range(1, pages[name] + 1):
            for what in ("png", "txt", "pdf", "json"):
                assert f"documents/{doc_id}/pages/{n:04d}.{what}" in keys, f"{name}: page {n} {what} missing"

    status = records_json(["status"], env)
    assert status["mode"] == "distributed"
    assert status["documents"] == {"processed": 12}
    assert status["indexed"] == 12
    assert status["queue"]["workers"] == 2
    assert all(status["queue"][f"{q} failed"] == 0 for q in ("records-start", "records-pages", "records-assemble"))
    metrics = _metrics(env)
    assert 'records_documents{state="processed"} 12' in metrics
    assert 'records_queue_depth{queue="records-pages"} 0' in metrics
    assert "records_ocr_confidence_count 10" in metrics  # the two born-digital PDFs have no OCR confidence
    per_minute = float(next(line.split()[-1] for line in metrics.splitlines()
                            if line.startswith('records_pages_per_minute{window="15m"}')))
    assert per_minute * 15 >= 13  # all 13 pages finished within the window

    # the index is derived: rebuilt from the store, it gives the same hits
    assert json.loads(run_records(["reindex", "--json"], env).stdout) == {"indexed": 12}
    assert _hits(env) == hits


def _metrics(env: dict[str, str]) -> str:
    """`render_metrics` as the API serves it, computed in a separate process with the test's environment."""
    code = "from workers.backends import open_backends; from workers.metrics import render_metrics; " \
           "print(render_metrics(open_backends()), end='')"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=120).stdout
