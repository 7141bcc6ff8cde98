"""`records worker` on a real Redis: the worker command and unique job ids (helpers in distributed_support)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from redis import Redis
from rq.job import Job

from conftest import REPO, records_env, records_json, run_records
from distributed_support import Workers, distributed_env
from sample_set import SampleSet


def test_worker_refuses_to_start_without_redis(home: Path) -> None:
    proc = run_records(["worker", "--burst"], records_env(home), check=False, timeout=60)
    assert proc.returncode == 2
    assert "RECORDS_REDIS_URL is not set" in proc.stderr


def test_enqueueing_the_same_document_twice_runs_it_once(home: Path, sample_set: SampleSet,
                                                         workers: Workers) -> None:
    env = distributed_env(home, 11)
    scan = sample_set.scan("eng")
    first = records_json(["ingest", str(scan.path), "--agency", "a"], env)
    second = records_json(["ingest", str(scan.path), "--agency", "a"], env)
    doc_id = first["documents"][0]["id"]
    assert first["documents"][0]["status"] == second["documents"][0]["status"] == "queued"
    assert second["documents"][0]["id"] == doc_id
    status = records_json(["status"], env)
    assert status["queue"]["records-start waiting"] == 1  # the second enqueue added nothing

    workers.start("w1", env, "--burst").wait(timeout=600)
    assert [e["stage"] for e in workers.events("start", doc_id)] == ["start"]
    assert len(workers.events("page", doc_id)) == 1
    assert len(workers.events("assemble", doc_id)) == 1
    # one job for a one-page document: its start job read the page and assembled it
    redis = Redis.from_url(env["RECORDS_REDIS_URL"])
    assert Job.fetch(f"doc-{doc_id}-start", connection=redis).get_status() == "finished"
    assert not Job.exists(f"doc-{doc_id}-page-1", connection=redis)
    assert not Job.exists(f"doc-{doc_id}-assemble", connection=redis)
    shown = records_json(["show", doc_id], env)
    assert shown["status"] == "processed"
    assert scan.phrase in shown["text"]

    # once processed, ingesting it again is a duplicate and nothing is queued
    third = records_json(["ingest", str(scan.path), "--agency", "a"], env)
    assert third["documents"][0]["status"] == "duplicate"
    assert records_json(["status"], env)["queue"]["records-start waiting"] == 0


# Runs the jobs of the queued documents as `records worker` would, but in this process (RQ's SimpleWorker does not
# fork), after the worker's warm-up; prints the modules the jobs imported.
JOBS_AFTER_WARM_UP = """
import sys
import settings
from rq import SimpleWorker
from workers.jobs import warm_up
from workers.rq_queue import QUEUES, connect

config = settings.load()
warm_up(config)
before = set(sys.modules)
SimpleWorker(list(QUEUES), connection=connect(config.redis_url)).work(burst=True)
print("imported:", *sorted(set(sys.modules) - before))
"""


def test_jobs_of_a_warmed_up_worker_import_nothing(home: Path, sample_set: SampleSet) -> None:
    """What a job imports, the process RQ forks for it imports again for every job: the worker's warm-up must
    leave nothing for the jobs of a one-page document (start, page and assemble in one job) to import."""
    env = distributed_env(home, 11)
    summary = records_json(["ingest", str(sample_set.scan("vie").path), "--agency", "a"], env)
    proc = subprocess.run([sys.executable, "-c", JOBS_AFTER_WARM_UP], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=600, check=True)
    assert records_json(["show", summary["documents"][0]["id"]], env)["status"] == "processed"
    [line] = [line for line in proc.stdout.splitlines() if line.startswith("imported:")]  # RQ logs on stdout too
    imported = [name for name in line.split()[1:] if not name.startswith("encodings.")]  # codec lookups
    assert imported == [], f"jobs imported {imported}: add them to workers.jobs.JOB_MODULES"
