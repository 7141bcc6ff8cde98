"""Fault tests on the distributed backends (RQ on a private Redis, the test S3 server and Elasticsearch, the last two
behind a TCP proxy the test can cut). Each prints documents in / processed / lost / duplicated; lost and duplicated
must be 0. Inputs are small (a few OCR'd scans, born-digital PDFs) and every loop is bounded in count and time."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import httpx
import pytest

from conftest import REPO, need, records_env, records_json, run_records
from distributed_support import FAST, Workers, wait_for
from fault_support import PrivateRedis, TcpProxy, expected_ids, make_batch, tally

pytestmark = [pytest.mark.slow, pytest.mark.distributed]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.stop()


def _env(home: Path, redis: PrivateRedis, *, es: str | None = None, s3: str | None = None, **extra: str) -> dict:
    import uuid

    run = uuid.uuid4().hex[:10]
    return records_env(home, RECORDS_REDIS_URL=redis.url, RECORDS_S3_ENDPOINT=s3 or need("RECORDS_TEST_S3_ENDPOINT"),
                       RECORDS_S3_ACCESS_KEY=need("RECORDS_TEST_S3_ACCESS_KEY"),
                       RECORDS_S3_SECRET_KEY=need("RECORDS_TEST_S3_SECRET_KEY"), RECORDS_S3_BUCKET=f"fault-{run}",
                       RECORDS_ES_URL=es or need("RECORDS_TEST_ES_URL"), RECORDS_ES_INDEX=f"fault-{run}",
                       **{**FAST, **extra})


def _backends(env: dict):
    from settings import load
    from workers.backends import open_backends

    with mock.patch.dict(os.environ, env, clear=True):
        return open_backends(load())


def _cleanup(env: dict) -> None:
    from search_api.testing import drop_test_backends

    backends = _backends({**env, "RECORDS_ES_URL": need("RECORDS_TEST_ES_URL"),
                          "RECORDS_S3_ENDPOINT": need("RECORDS_TEST_S3_ENDPOINT")})
    try:
        drop_test_backends(backends)
    finally:
        backends.close()


def _all_processed(env: dict, ids: set[str]):
    def check():
        backends = _backends(env)
        try:
            return tally("probe", backends, ids, show=False).lost == 0
        finally:
            backends.close()
    return check


def _unfinished_reasons(env: dict, ids: set[str]) -> list[str]:
    """Documents not processed, with their state and reason (for the failure message)."""
    from documents.errors import NotFound
    from documents.model import Manifest, manifest_key

    backends = _backends(env)
    try:
        out = []
        for doc_id in sorted(ids):
            try:
                m = Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))
            except NotFound:
                out.append(f"{doc_id}: not stored")
                continue
            if m.status != "processed":
                out.append(f"{doc_id}: {m.status} {m.error or ''}")
        return out
    finally:
        backends.close()


def _upload_refused(env: dict, path: Path, words: str) -> None:
    """A clerk's upload through the API while a backend is down: 503 naming it, nothing spooled or stored."""
    from catalog import add_user, open_catalog
    from search_api.app import create_app
    from search_api.testing import LiveServer

    backends = _backends(env)
    try:
        cat = open_catalog(backends.settings)
        token = add_user(cat, f"clerk-{time.monotonic_ns()}", "a", "clerk")[1]
        cat.close()
        with LiveServer(create_app(backends.settings, backends=backends)) as server:
            r = httpx.post(f"{server.url}/api/batches", headers={"Authorization": f"Bearer {token}"}, timeout=120,
                           files={"files": (path.name, path.read_bytes(), "application/pdf")})
            assert r.status_code == 503 and words in r.json()["error"]["message"], r.text
            assert not any((backends.settings.home / "uploads").glob("*/*"))  # the spooled upload is removed
    finally:
        backends.close()


def _stored_count(backends) -> int:
    """Documents with a manifest in the store (0 while the bucket does not exist yet)."""
    from documents.errors import RecordsError

    try:
        return sum(1 for _ in backends.store.document_ids())
    except RecordsError:
        return 0


def _final_tally(name: str, env: dict, ids: set[str]):
    backends = _backends(env)
    try:
        return tally(name, backends, ids)
    finally:
        backends.close()


def test_worker_sigkilled_20_times_loses_and_duplicates_nothing(tmp_path: Path, samples: Path, workers: Workers,
                                                                redis_server: PrivateRedis) -> None:
    # the workers' periodic recover every 10 s finds documents whose jobs a kill orphaned (taken off the queue but
    # never recorded as started), which RQ's own abandoned-job handling cannot see
    env = _env(tmp_path / "home", redis_server, RECORDS_RECOVER_INTERVAL="10", RECORDS_RECOVER_GONE_AFTER="5")
    paths = make_batch(tmp_path / "batch", samples, copies=6, ocr=("s_en_04.jpg", "s_ur_01.png", "s_vi_01.png"))
    ids = expected_ids(paths, "a")
    assert records_json(["status"], env)["indexed"] == 0  # creates the index before workers race to
    try:
        alive = [f"w{n}" for n in range(2)]
        for name in alive:
            workers.start(name, env)
        records_json(["ingest", str(tmp_path / "batch"), "--agency", "a"], env)
        seed = int(time.time())
        rng = random.Random(seed)
        print(f"\nkill schedule seed {seed}")
        deadline = time.monotonic() + 150
        for kill in range(20):  # 20 SIGKILLs at random moments, each victim replaced by a fresh worker
            assert time.monotonic() < deadline, f"only {kill} kills in time"
            time.sleep(rng.uniform(0.3, 2.0))
            victim = alive.pop(rng.randrange(len(alive)))
            workers.kill(victim)
            fresh = f"w{kill + 2}"
            workers.start(fresh, env)
            alive.append(fresh)
        try:
            wait_for(_all_processed(env, ids), 300, "every document to be processed after the kills", interval=2)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {_unfinished_reasons(env, ids)}") from None
        result = _final_tally("worker SIGKILL x20", env, ids)
        assert (result.documents_in, result.processed, result.lost, result.duplicated) == (len(ids), len(ids), 0, 0)
        status = records_json(["status"], env)
        assert status["documents"] == {"processed": len(ids)} and status["indexed"] == len(ids)
    finally:
        workers.stop()
        _cleanup(env)


def test_redis_flushed_mid_batch_then_recover_loses_nothing(tmp_path: Path, samples: Path, workers: Workers,
                                                            redis_server: PrivateRedis) -> None:
    # the workers' own periodic check is off here, so it is `records recover` that must find the documents
    env = _env(tmp_path / "home", redis_server, RECORDS_RECOVER_GONE_AFTER="1", RECORDS_RECOVER_INTERVAL="0")
    paths = make_batch(tmp_path / "batch", samples, copies=6, ocr=("s_en_04.jpg",))
    ids = expected_ids(paths, "a")
    records_json(["status"], env)
    try:
        records_json(["ingest", str(tmp_path / "batch"), "--agency", "a"], env)  # queued, no worker yet
        workers.start("w1", env)
        time.sleep(2)
        redis_server.flush()  # Redis loses every job, every in-flight marker
        time.sleep(2)
        report = records_json(["recover", "--older-than", "600"], env)
        assert report["checked"] >= 1 and len(report["requeued"]) == report["stale"] >= 1
        wait_for(_all_processed(env, ids), 240, "every document after recover", interval=2)
        result = _final_tally("Redis flushed + recover", env, ids)
        assert (result.processed, result.lost, result.duplicated) == (len(ids), 0, 0)
    finally:
        workers.stop()
        _cleanup(env)


def test_elasticsearch_outage_mid_batch_search_503_then_catch_up(tmp_path: Path, samples: Path, workers: Workers,
                                                                 redis_server: PrivateRedis) -> None:
    proxy = TcpProxy(need("RECORDS_TEST_ES_URL"))
    # backoff 2, 4, 8 s: an outage of a few seconds is ridden out by the retries
    env = _env(tmp_path / "home", redis_server, es=proxy.url, RECORDS_RETRY_INTERVALS="2,4,8")
    paths = make_batch(tmp_path / "batch", samples, copies=5, ocr=("s_en_04.jpg",))
    ids = expected_ids(paths, "a")
    records_json(["status"], env)
    try:
        workers.start("w1", env)
        proxy.cut()
        started = time.monotonic()
        records_json(["ingest", str(tmp_path / "batch"), "--agency", "a"], env)  # ingestion goes on
        search = run_records(["search", "certificate"], env, check=False)
        assert search.returncode == 2 and "Elasticsearch unreachable" in search.stderr
        from search_api.app import create_app
        from search_api.testing import LiveServer

        backends = _backends(env)
        from catalog import add_user, open_catalog

        cat = open_catalog(backends.settings)
        token = add_user(cat, "officer", "a", "officer")[1]
        cat.close()
        with LiveServer(create_app(backends.settings, backends=backends)) as server:
            r = httpx.get(f"{server.url}/api/search", params={"q": "certificate"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
            assert r.status_code == 503 and r.headers["retry-after"] == "30", r.text
            assert "search is unavailable right now" in r.json()["error"]["message"]
            time.sleep(max(0.0, 6 - (time.monotonic() - started)))  # the outage lasts about 6 s
            proxy.restore()
            wait_for(_all_processed(env, ids), 240, "indexing to catch up after the outage", interval=2)
            r = httpx.get(f"{server.url}/api/search", params={"q": "occupancy"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
            assert r.status_code == 200 and r.json()["total"] == 1
        backends.close()
        result = _final_tally("Elasticsearch outage mid-batch", env, ids)
        assert (result.processed, result.lost, result.duplicated) == (len(ids), 0, 0)
        assert records_json(["status"], env)["documents"] == {"processed": len(ids)}
    finally:
        proxy.restore()
        workers.stop()
        _cleanup(env)
        proxy.close()


def test_s3_stopped_mid_upload_batch_acknowledges_nothing_it_did_not_store(tmp_path: Path, samples: Path,
                                                                           workers: Workers,
                                                                           redis_server: PrivateRedis) -> None:
    proxy = TcpProxy(need("RECORDS_TEST_S3_ENDPOINT"))
    env = _env(tmp_path / "home", redis_server, s3=proxy.url)
    paths = make_batch(tmp_path / "batch", samples, copies=24, ocr=())
    ids = expected_ids(paths, "a")
    records_json(["status"], env)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "ingest", str(tmp_path / "batch"), "--agency", "a",
                                 "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        direct = _backends({**env, "RECORDS_S3_ENDPOINT": need("RECORDS_TEST_S3_ENDPOINT")})
        try:  # cut the store part-way through storing the originals: after 2 to 5 documents are in
            goal, deadline = random.randint(2, 5), time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                if _stored_count(direct) >= goal:
                    break
                time.sleep(0.05)
        finally:
            direct.close()
        proxy.cut()
        assert proc.poll() is None, "the batch was stored before the cut: nothing was tested"
        out, err = proc.communicate(timeout=300)
        summary = json.loads(out) if out.strip() else None
        backends = _backends({**env, "RECORDS_S3_ENDPOINT": need("RECORDS_TEST_S3_ENDPOINT")})
        try:
            stored = set(backends.store.document_ids())
            originals = {k.split("/")[1] for k in backends.store.list("documents/") if "/original." in k}
        finally:
            backends.close()
        refused_ids: set[str] = set()
        if summary is not None:
            acknowledged = {d["id"] for d in summary["documents"] if d["status"] == "queued"}
            assert acknowledged <= stored  # every file reported stored is stored, with its manifest
            refused = [d for d in summary["documents"] if d["status"] == "failed"]
            refused_ids = {d["id"] for d in refused}
            assert all("S3" in d["error"] or "store" in d["error"] for d in refused), refused
            print(f"\nS3 cut: {len(acknowledged)} stored and acknowledged, {len(refused)} refused with a reason")
        else:
            print(f"\nS3 cut: the command stopped (exit {proc.returncode}): {err.strip()[-200:]}")
            assert proc.returncode == 2 and "S3" in err
            refused_ids = ids - stored
        # no document is half-written: an original the store took just before it went down has no manifest, was
        # never acknowledged (that file was reported failed), and is completed by running the command again
        assert originals - stored <= refused_ids, "an acknowledged document lacks its manifest"
        _upload_refused(env, paths[0], "unavailable")  # the upload API refuses while the store is down
        proxy.restore()
        # the clerk runs the same command again once the store is back; workers finish everything
        workers.start("w1", env)
        again = records_json(["ingest", str(tmp_path / "batch"), "--agency", "a"], env)
        assert len(again["documents"]) == len(paths)
        wait_for(_all_processed(env, ids), 300, "every document after the store came back", interval=2)
        assert records_json(["verify"], env)["ok"] is True  # no original without its manifest any more
        result = _final_tally("S3 stopped mid-upload", env, ids)
        assert (result.processed, result.lost, result.duplicated) == (len(ids), 0, 0)
    finally:
        proxy.restore()
        workers.stop()
        _cleanup(env)
        proxy.close()


def test_redis_down_uploads_and_ingest_refused_cleanly_then_run_once(tmp_path: Path, samples: Path, workers: Workers,
                                                                    redis_server: PrivateRedis) -> None:
    env = _env(tmp_path / "home", redis_server, RECORDS_RECOVER_INTERVAL="0")
    paths = make_batch(tmp_path / "batch", samples, copies=3, ocr=())
    ids = expected_ids(paths, "a")
    records_json(["status"], env)
    try:
        redis_server.stop()
        _upload_refused(env, paths[0], "Redis")  # refused cleanly
        # the command line refuses as cleanly: it names Redis and stores nothing
        proc = run_records(["ingest", str(tmp_path / "batch"), "--agency", "a"], env, check=False)
        assert proc.returncode == 2 and "Redis" in proc.stderr, proc.stderr
        backends = _backends(env)
        try:
            assert list(backends.store.document_ids()) == []
        finally:
            backends.close()
        redis_server.start()
        records_json(["ingest", str(tmp_path / "batch"), "--agency", "a"], env)  # the same command, Redis back
        workers.start("w1", env)
        wait_for(_all_processed(env, ids), 240, "every document once Redis is back", interval=2)
        result = _final_tally("Redis down, then recover", env, ids)
        assert (result.processed, result.lost, result.duplicated) == (len(ids), 0, 0)
    finally:
        workers.stop()
        _cleanup(env)
