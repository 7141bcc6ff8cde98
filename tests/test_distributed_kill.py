"""A worker killed with SIGKILL in the middle of a page job loses nothing: the page is re-run by another worker,
the document is processed exactly once and indexed once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker
from rq.job import Job
from rq.registry import StartedJobRegistry

from conftest import records_json
from distributed_support import FAST, Workers, distributed_env, wait_for
from sheets import sheet_copy

pytestmark = [pytest.mark.slow, pytest.mark.distributed]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A page of the wide copy of s_vi_03.tif (three letters side by side): load, cleanup and the strip read take
# 1-1.7 CPU-s, the main reading runs on to 3.6-4.9 CPU-s.
READING_CPU_S = 2.0



def test_sigkill_mid_page_job_reruns_the_page_and_processes_the_document_once(tmp_path: Path, samples: Path,
                                                                              workers: Workers) -> None:
    env = distributed_env(tmp_path / "home", 14, s3=True, es=True, **FAST)
    assert records_json(["status"], env)["indexed"] == 0  # creates the index before the workers race to
    workers.start("w1", env)
    workers.start("w2", env)
    redis = Redis.from_url(env["RECORDS_REDIS_URL"])
    wide = sheet_copy(samples / "s_vi_03.tif", tmp_path / "wide.tif")  # pages read for seconds, not one
    doc_id = records_json(["ingest", str(wide), "--agency", "a", "--visibility", "public"],
                          env)["documents"][0]["id"]

    started = StartedJobRegistry("records-pages", connection=redis)
    job_id = wait_for(lambda: next(iter(started.get_job_ids()), None), 120, "a page job to start")
    victim = wait_for(lambda: next((w.name for w in Worker.all(connection=redis)
                                    if w.get_current_job_id() == job_id), None), 30, f"the worker running {job_id}")
    # Reading the page (in the work horse, through libtesseract) is under way once the horse has spent more CPU
    # than loading and cleaning a page take.
    wait_for(lambda: _busy_seconds(workers, victim) >= READING_CPU_S, 60, "the page to be read", interval=0.1)
    assert Job.fetch(job_id, connection=redis).get_status() == "started"  # killed mid-job, not after it
    workers.kill(victim)

    survivor = "w2" if victim == "w1" else "w1"
    final = wait_for(lambda: _final(env, doc_id), 240, "the document to be processed after the kill")
    assert final["status"] == "processed", final.get("error")
    assert len(final["pages"]) == 2
    assert "Nguyễn Thị Bích Hạnh" in final["text"]

    page = int(job_id.rsplit("-", 1)[1])
    assert [e["page"] for e in workers.events("page", doc_id) if e["worker"] == survivor].count(page) == 1
    assert len(workers.events("assemble", doc_id)) == 1  # processed exactly once
    assert Job.fetch(job_id, connection=redis).get_status() == "finished"

    status = records_json(["status"], env)
    assert status["documents"] == {"processed": 1}
    assert status["indexed"] == 1  # one index entry
    assert status["queue"]["jobs retried"] == 1
    assert all(status["queue"][f"{q} failed"] == 0 for q in ("records-start", "records-pages", "records-assemble"))
    hits = records_json(["search", "Nguyễn Thị Bích Hạnh"], env)["hits"]
    assert [h["id"] for h in hits] == [doc_id]


def _final(env: dict[str, str], doc_id: str) -> dict | None:
    shown = records_json(["show", doc_id], env)
    return shown if shown["status"] in ("processed", "failed") else None


def _busy_seconds(workers: Workers, name: str) -> float:
    """The most CPU seconds any process under a worker (its work horse) has used."""
    most = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if _has_ancestor(int(entry.name), int(fields[1]), workers.procs[name].pid):
            most = max(most, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return most


def _has_ancestor(pid: int, ppid: int, ancestor: int) -> bool:
    while ppid > 1:
        if ppid == ancestor:
            return True
        try:
            ppid = int((Path("/proc") / str(ppid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
    return False
