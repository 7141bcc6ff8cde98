"""`records import` in distributed mode: RQ on Redis, the S3 store and Elasticsearch, one `records worker`.

The importer only enqueues and waits; the journal stays local (RECORDS_HOME). The same legacy tree gives the
same ledger as in embedded mode, dossiers land in the S3 bucket before their documents, and a second run
changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import records_json, run_records
from distributed_support import Workers, distributed_env

pytestmark = [pytest.mark.slow, pytest.mark.distributed]



def test_import_through_a_worker_on_redis_s3_and_elasticsearch(tmp_path: Path, samples: Path,
                                                                 workers: Workers) -> None:
    env = distributed_env(tmp_path / "home", 9, s3=True, es=True)
    root = tmp_path / "legacy"
    for n in range(6):
        folder = root / ("box 1" if n < 3 else "box 2")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{n}.pdf").write_bytes((samples / "s_en_02.pdf").read_bytes() + f"\n% copy {n}\n".encode())
    (root / "box 2" / "again.pdf").write_bytes((root / "box 1" / "f0.pdf").read_bytes())
    (root / "box 2" / "empty.pdf").write_bytes(b"")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,title,issued_date,dossier,dossier_title\n"
                        "box 1/f2.pdf,Third,03/04/2005,D-1,First box\nbox 1/f0.pdf,First,2005-01-01,D-1,First box\n"
                        "box 1/f1.pdf,Second,2005-02-01,D-1,First box\n")
    assert records_json(["status"], env)["indexed"] == 0  # creates the index before the worker starts
    workers.start("w1", env)
    args = ["import", str(root), "--manifest", str(manifest), "--agency", "province-a", "--visibility", "public"]
    proc = run_records([*args, "--json"], env, check=False)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stderr  # the empty file is rejected with its reason: a final state
    assert report["counts"] == {"processed": 6, "duplicate": 1, "rejected": 1, "failed": 0}
    states = {f["path"]: f for f in report["files"]}
    assert states["box 2/again.pdf"]["duplicate_of"] == states["box 1/f0.pdf"]["id"]
    dossier = records_json(["show", "D-1"], env)
    assert dossier["dossier"]["title"] == "First box"
    assert [d["title"] for d in dossier["documents"]] == ["Third", "First", "Second"]  # manifest order
    found = records_json(["search", "First box", "--dossier", "D-1"], env)
    assert found["total"] == 3
    shown = records_json(["show", states["box 1/f2.pdf"]["id"]], env)
    assert (shown["metadata"]["issued_date"], shown["metadata_source"]["issued_date"]) == ("2005-04-03", "manifest")
    again = json.loads(run_records([*args, "--json"], env, check=False).stdout)
    assert again["resumed"] is True and again["counts"] == report["counts"]
    assert [(f["path"], f["status"], f["id"]) for f in again["files"]] == \
        [(f["path"], f["status"], f["id"]) for f in report["files"]]
