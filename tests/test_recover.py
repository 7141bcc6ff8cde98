"""`records recover` (embedded): documents a killed command left `queued` or `processing` are found in the store
and finished exactly once; fresh ones (younger than --older-than) are left to whoever is running them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import records_env, records_json


def _set_status(home: Path, doc_id: str, status: str, updated_at: str) -> None:
    path = home / "store" / "documents" / doc_id / "manifest.json"
    data = json.loads(path.read_text())
    data.update(status=status, updated_at=updated_at)
    path.write_text(json.dumps(data))


def test_recover_finishes_stale_documents_once(tmp_path: Path, home: Path, samples: Path) -> None:
    env = records_env(home)
    for name in ("s_en_02.pdf", "s_vi_04.pdf"):
        shutil.copy(samples / name, tmp_path / name)
    docs = records_json(["ingest", str(tmp_path / "s_en_02.pdf"), str(tmp_path / "s_vi_04.pdf")], env)["documents"]
    stale, fresh = docs[0]["id"], docs[1]["id"]
    # as a SIGKILL between the stages would leave them: one long ago, one that a live process may still be running
    _set_status(home, stale, "processing", "2026-01-01T00:00:00+00:00")
    from documents.model import now_iso

    _set_status(home, fresh, "queued", now_iso())
    report = records_json(["recover", "--older-than", "600"], env)
    assert report["stale"] == 1 and report["processed"] == [stale] and report["failed"] == []
    assert records_json(["show", stale], env)["status"] == "processed"
    assert records_json(["show", fresh], env)["status"] == "queued"
    report = records_json(["recover", "--older-than", "0"], env)
    assert report["processed"] == [fresh]
    status = records_json(["status"], env)
    assert status["documents"] == {"processed": 2} and status["indexed"] == 2
    assert records_json(["recover"], env)["stale"] == 0
    assert records_json(["verify"], env)["ok"] is True
