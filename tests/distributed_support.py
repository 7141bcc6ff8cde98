"""Helpers for the tests that run `records worker` processes on a real Redis (and S3, Elasticsearch).

The servers come from `scripts/services.sh start` + `eval "$(scripts/services.sh env)"`. In CI (CI=true) a
missing server variable fails the test with that instruction; elsewhere the test is skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from conftest import REPO, need, records_env

# Fast recovery for tests: a dead worker's job is re-run within seconds, retries wait 1 s.
FAST = {"RECORDS_WORKER_HEARTBEAT": "2", "RECORDS_WORKER_GRACE": "5", "RECORDS_WORKER_MAINTENANCE": "5",
        "RECORDS_RETRY_INTERVALS": "1,1,1"}


def redis_url(db: int) -> str:
    """RECORDS_TEST_REDIS_URL on database `db`, emptied (each test module owns one database)."""
    from redis import Redis

    parts = urlsplit(need("RECORDS_TEST_REDIS_URL"))
    url = urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))
    Redis.from_url(url).flushdb()
    return url


def distributed_env(home: Path, db: int, *, s3: bool = False, es: bool = False, **extra: str) -> dict[str, str]:
    """Environment for `records` on RQ (database `db`), optionally with a fresh S3 bucket and ES index."""
    env = records_env(home, RECORDS_REDIS_URL=redis_url(db), **extra)
    run = uuid.uuid4().hex[:10]
    if s3:
        env.update(RECORDS_S3_ENDPOINT=need("RECORDS_TEST_S3_ENDPOINT"),
                   RECORDS_S3_ACCESS_KEY=need("RECORDS_TEST_S3_ACCESS_KEY"),
                   RECORDS_S3_SECRET_KEY=need("RECORDS_TEST_S3_SECRET_KEY"), RECORDS_S3_BUCKET=f"records-test-{run}")
    if es:
        env.update(RECORDS_ES_URL=need("RECORDS_TEST_ES_URL"), RECORDS_ES_INDEX=f"records-test-{run}")
    return env


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (RQ's work horse runs in a process group of its own)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


class Workers:
    """`records worker` subprocesses started by a test, each logging to its own file; stopped at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, env: dict[str, str], *args: str) -> subprocess.Popen:
        """Start `records worker --name NAME` (in a session of its own, so it can be stopped as a group)."""
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115  # closed with the process
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "worker", "--name", name, *args], cwd=REPO,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def kill(self, name: str) -> None:
        """SIGKILL a worker, its scheduler and its work horse, as a machine dying would."""
        proc = self.procs[name]
        horses = _children(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        for pid in horses:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown of every worker still running (SIGKILL after 60 s)."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def events(self, stage: str, doc_id: str) -> list[dict]:
        """The structured log lines of `stage` for `doc_id`, across every worker's log."""
        out = []
        for name in self.procs:
            for line in self.log(name).splitlines():
                if line.startswith("{") and f'"stage": "{stage}"' in line:
                    event = json.loads(line)
                    if event.get("doc") == doc_id:
                        out.append(event)
        return out


def wait_for(predicate, timeout: float, what: str, interval: float = 0.5):
    """Poll `predicate` until it returns a true value; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
