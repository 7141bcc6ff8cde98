"""Fault tests on the embedded default: `records ingest` SIGKILLed at random moments (10 times) and run again ends
with the same archive as an uninterrupted run; a full disk refuses the file with a reason and keeps nothing of it.
Each prints documents in / processed / lost / duplicated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, records_env, records_json, run_records
from fault_support import expected_ids, make_batch, tally

pytestmark = pytest.mark.slow


def _archive(env: dict) -> dict:
    """What a user can see of the archive: every document's status, metadata, pages and text, and the index."""
    from settings import Settings
    from workers.backends import open_backends

    backends = open_backends(Settings(home=Path(env["RECORDS_HOME"])))
    try:
        ids = sorted(backends.store.document_ids())
        indexed = sorted(backends.index.ids())
    finally:
        backends.close()
    docs = {}
    for doc_id in ids:
        shown = records_json(["show", doc_id], env)
        docs[doc_id] = (shown["status"], shown["metadata"], len(shown["pages"]), shown["text"])
    return {"documents": docs, "indexed": indexed}


def _tally(name: str, env: dict, ids: set[str]):
    from settings import Settings
    from workers.backends import open_backends

    backends = open_backends(Settings(home=Path(env["RECORDS_HOME"])))
    try:
        return tally(name, backends, ids)
    finally:
        backends.close()


def test_ingest_sigkilled_10_times_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, samples: Path) -> None:
    paths = make_batch(tmp_path / "batch", samples, copies=6, ocr=("s_en_04.jpg",))
    ids = expected_ids(paths, "default")
    args = ["ingest", str(tmp_path / "batch"), "--json"]

    reference_env = records_env(tmp_path / "reference", RECORDS_WORKERS="2")
    started = time.monotonic()
    run_records(args, reference_env)
    uninterrupted = time.monotonic() - started

    env = records_env(tmp_path / "killed", RECORDS_WORKERS="2")
    seed = int(time.time())
    rng = random.Random(seed)
    print(f"\nkill schedule seed {seed}; an uninterrupted run takes {uninterrupted:.1f} s")
    for _ in range(10):  # each kill at a random moment of a run, the whole process group as a crash would
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.5, max(1.0, min(6.0, uninterrupted))))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    final = run_records(args, env, timeout=600)  # the same command again finishes every document
    assert final.returncode == 0

    result = _tally("embedded ingest SIGKILL x10 + re-run", env, ids)
    assert (result.documents_in, result.processed, result.lost, result.duplicated) == (len(ids), len(ids), 0, 0)
    assert _archive(env) == _archive(reference_env)
    assert records_json(["verify"], env)["ok"] is True  # nothing half-written, nothing damaged
    assert records_json(["recover", "--older-than", "0"], env)["stale"] == 0


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_disk_full_refuses_the_file_and_keeps_nothing_of_it(tmp_path: Path, home: Path, samples: Path) -> None:
    store = home / "store"
    if not _mount_tmpfs(store, "600k"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI runs as root and must be able to mount a small tmpfs for the disk-full test")
        pytest.skip("needs root to mount a small tmpfs as the store (CI runs as root)")
    try:
        env = records_env(home)
        big = tmp_path / "big.jpg"
        big.write_bytes((samples / "s_ar_01.jpg").read_bytes())  # 820 KiB: larger than the whole disk
        small = tmp_path / "small.pdf"
        small.write_bytes((samples / "s_en_02.pdf").read_bytes())
        summary = records_json(["ingest", str(big), str(small)], env, expect=1)
        states = {Path(d["path"]).name: d for d in summary["documents"]}
        assert states["big.jpg"]["status"] == "failed"
        assert "disk is full" in states["big.jpg"]["error"] and "nothing of it was kept" in states["big.jpg"]["error"]
        assert states["small.pdf"]["status"] == "processed"  # what fits is still stored
        leftovers = [p for p in store.rglob("*") if p.is_file() and (p.name.startswith(".tmp-")
                                                                     or states["big.jpg"]["id"] in str(p))]
        assert leftovers == []
        tally("disk full (ENOSPC)", _open(home), {states["small.pdf"]["id"]})
        assert records_json(["verify"], env)["ok"] is True
    finally:
        subprocess.run(["umount", "-l", str(store)], capture_output=True)


def _open(home: Path):
    from settings import Settings
    from workers.backends import open_backends

    return open_backends(Settings(home=home))
