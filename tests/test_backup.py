"""`records backup` while an ingest runs, `records restore` into an empty home: `records verify` passes and search
answers as before (documents the backup caught mid-way are finished by `records recover`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, records_env, records_json, run_records
from fault_support import make_batch

QUERIES = ('"certificate of occupancy"', "Nguyen", "minutes", "copy")


def _answers(env: dict) -> dict:
    return {q: sorted(h["id"] for h in records_json(["search", q, "--limit", "100"], env)["hits"]) for q in QUERIES}


def test_backup_under_a_running_ingest_restores_and_verifies(tmp_path: Path, samples: Path) -> None:
    env = records_env(tmp_path / "live", RECORDS_WORKERS="1")
    first = make_batch(tmp_path / "first", samples, copies=1, ocr=("s_en_04.jpg",))
    records_json(["ingest", str(tmp_path / "first"), "--agency", "so-a"], env)
    run_records(["users", "add", "lan", "--agency", "so-a", "--role", "officer"], env)
    before = _answers(env)
    assert before['"certificate of occupancy"'] and len(first) == 2

    # born-digital copies go fast; the scans keep the ingest running while the backup is taken
    make_batch(tmp_path / "second", samples, copies=6, ocr=("s_ur_01.png", "s_vi_01.png", "s_en_01.png", "s_vi_02.jpg"))
    ingest = subprocess.Popen([sys.executable, "-m", "cli.main", "ingest", str(tmp_path / "second"), "--agency",
                               "so-a", "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    manifests = tmp_path / "live" / "store" / "documents"
    deadline = time.monotonic() + 120
    while len(list(manifests.glob("*/manifest.json"))) < len(first) + 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # part-way through the second batch: some of its documents are stored, not all
    during = run_records(["backup", str(tmp_path / "during.tar.gz"), "--json"], env, timeout=300)
    assert ingest.poll() is None, "the ingest ended before the backup: the test must back up a running system"
    _, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    assert json.loads(during.stdout)["documents"] >= 2

    restored = records_env(tmp_path / "restored")
    summary = records_json(["restore", str(tmp_path / "during.tar.gz")], restored)
    assert summary["indexed"] >= 2
    assert records_json(["verify"], restored)["ok"] is True
    assert _answers(restored)['"certificate of occupancy"'] == before['"certificate of occupancy"']
    records_json(["recover", "--older-than", "0"], restored)  # documents caught mid-way are finished
    assert records_json(["status"], restored)["documents"].keys() == {"processed"}
    assert records_json(["verify"], restored)["ok"] is True
    assert run_records(["audit", "--verify"], restored).returncode == 0  # the catalog came back whole
    assert "lan" in run_records(["users", "list"], restored).stdout

    # a backup of the finished archive restores to the very same answers
    after = _answers(env)
    run_records(["backup", str(tmp_path / "after.tar")], env)
    again = records_env(tmp_path / "again")
    records_json(["restore", str(tmp_path / "after.tar")], again)
    assert _answers(again) == after
    assert records_json(["verify"], again)["ok"] is True
    refused = run_records(["restore", str(tmp_path / "after.tar")], again, check=False)
    assert refused.returncode == 2 and "not empty" in refused.stderr
