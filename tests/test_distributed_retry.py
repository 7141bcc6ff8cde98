"""Transient errors: a worker that cannot reach Elasticsearch retries with backoff, then fails the job and the
document with the reason; `records status` and the metrics show it; `records retry` finishes the document once
the index is reachable."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, records_json
from distributed_support import FAST, Workers, distributed_env, wait_for
from sample_set import SampleSet

pytestmark = [pytest.mark.slow, pytest.mark.distributed]



def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _metrics(env: dict[str, str]) -> str:
    code = "from workers.backends import open_backends; from workers.metrics import render_metrics; " \
           "print(render_metrics(open_backends()), end='')"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=120).stdout


def test_index_outage_is_retried_then_reported_and_records_retry_finishes(tmp_path: Path, sample_set: SampleSet,
                                                                          workers: Workers) -> None:
    env = distributed_env(tmp_path / "home", 15, s3=True, es=True, **FAST)
    scan = sample_set.scan("eng")
    doc_id = records_json(["ingest", str(scan.path), "--agency", "a", "--visibility", "public"],
                          env)["documents"][0]["id"]

    # this worker's Elasticsearch is unreachable
    workers.start("cut-off", {**env, "RECORDS_ES_URL": f"http://127.0.0.1:{_closed_port()}"})
    shown = wait_for(lambda: (s := records_json(["show", doc_id], env))["status"] == "failed" and s, 180,
                     "the document to fail")
    assert "Elasticsearch unreachable" in shown["error"]
    assert "after 3 retries" in shown["error"] and "records retry" in shown["error"]
    workers.stop()

    status = records_json(["status"], env)
    assert status["documents"] == {"failed": 1}
    assert status["queue"]["jobs retried"] == 3
    # A one-page document is one job (its start job reads and assembles it): that job is the one that failed.
    assert status["queue"]["records-start failed"] == 1
    assert "Elasticsearch unreachable" in status["queue"][f"failed job doc-{doc_id}-start"]
    metrics = _metrics(env)
    assert "records_jobs_retried_total 3" in metrics
    assert 'records_jobs_failed{queue="records-start"} 1' in metrics
    assert 'records_documents{state="failed"} 1' in metrics

    assert records_json(["retry"], env) == {"requeued": [doc_id]}
    workers.start("connected", env, "--burst").wait(timeout=600)
    shown = records_json(["show", doc_id], env)
    assert shown["status"] == "processed" and shown["error"] is None
    assert [h["id"] for h in records_json(["search", scan.phrase], env)["hits"]] == [doc_id]
    status = records_json(["status"], env)
    assert status["documents"] == {"processed": 1}
    assert status["queue"]["records-start failed"] == 0
    assert 'records_documents{state="processed"} 1' in _metrics(env)
