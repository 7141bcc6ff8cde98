"""One exit-status convention for `records ingest`, `records import` and the API's batch status (docs/cli.md):
0 the batch ran and every file reached a final state (processed, duplicate or rejected with its reason), 1 some
files failed (or, for an import, manifest rows could not be applied), 2 the command could not run; `--strict` makes
rejected files exit 1 too. Runs on the committed demo set, so a clone alone runs it."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import httpx

from catalog import add_user, open_catalog
from conftest import REPO, records_env, run_records
from search_api.app import create_app
from search_api.testing import LiveServer
from settings import Settings

GOOD = REPO / "demo" / "en_certificate.png"


def _ingest(args: list[str], env: dict[str, str]) -> tuple[int, dict, str]:
    proc = run_records(["ingest", *args, "--json"], env, check=False)
    return proc.returncode, json.loads(proc.stdout) if proc.stdout else {}, proc.stderr


def test_rejected_files_exit_0_listed_with_their_reason_and_1_with_strict(tmp_path: Path, home: Path) -> None:
    env = records_env(home)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    notes = tmp_path / "truth.txt"
    notes.write_text("ground truth, not a scan\n", encoding="utf-8")

    code, summary, err = _ingest([str(empty), str(notes)], env)  # nothing but rejected files
    assert code == 0, err
    assert summary["counts"] == {"processed": 0, "duplicate": 0, "rejected": 2, "failed": 0}
    reasons = {Path(d["path"]).name: d["error"] for d in summary["documents"] if d["status"] == "rejected"}
    assert "empty" in reasons["empty.png"] and "text file" in reasons["truth.txt"]
    assert "2 file(s) rejected or failed" in err  # said on stderr whatever the exit status

    code, summary, err = _ingest([str(GOOD), str(empty)], env)
    assert code == 0, err
    assert summary["counts"] == {"processed": 1, "duplicate": 0, "rejected": 1, "failed": 0}
    code, summary, _ = _ingest([str(GOOD), str(empty), "--strict"], env)
    assert code == 1  # every file must be accepted
    assert summary["counts"] == {"processed": 0, "duplicate": 1, "rejected": 1, "failed": 0}
    assert _ingest([str(GOOD), "--strict"], env)[0] == 0  # strict, nothing rejected
    assert run_records(["ingest", str(GOOD), "--visibility", "shared"], env, check=False).returncode == 2

    folder = tmp_path / "legacy"
    folder.mkdir()
    shutil.copy(empty, folder / "empty.png")
    shutil.copy(GOOD, folder / "certificate.png")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,title\nempty.png,Empty\ncertificate.png,Certificate\n", encoding="utf-8")
    imported = run_records(["import", str(folder), "--manifest", str(manifest), "--json"], env, check=False)
    assert imported.returncode == 0, imported.stderr
    files = {f["path"]: f for f in json.loads(imported.stdout)["files"]}
    assert files["empty.png"]["status"] == "rejected" and "empty" in files["empty.png"]["reason"]
    strict = run_records(["import", str(folder), "--manifest", str(manifest), "--strict"], env, check=False)
    assert strict.returncode == 1
    missing = tmp_path / "missing.csv"
    missing.write_text("path,title\ncertificate.png,Certificate\ngone.png,Gone\n", encoding="utf-8")
    assert run_records(["import", str(folder), "--manifest", str(missing)], env, check=False).returncode == 1


def test_failed_files_exit_1_and_running_again_retries_them(tmp_path: Path, home: Path) -> None:
    no_programs = tmp_path / "no-programs"
    no_programs.mkdir()
    # a server where the tesseract program is missing: every page fails with that reason
    broken = records_env(home, RECORDS_OCR_ENGINE="program", PATH=str(no_programs))
    code, summary, err = _ingest([str(GOOD)], broken)
    assert code == 1, err
    [doc] = summary["documents"]
    assert doc["status"] == "failed" and "tesseract program is not installed" in doc["error"]
    folder = tmp_path / "legacy"
    folder.mkdir()
    shutil.copy(REPO / "demo" / "ar_circular.png", folder / "circular.png")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,title\ncircular.png,Circular\n", encoding="utf-8")
    imported = run_records(["import", str(folder), "--manifest", str(manifest), "--json"], broken, check=False)
    assert imported.returncode == 1, imported.stderr
    assert json.loads(imported.stdout)["counts"]["failed"] == 1

    code, summary, err = _ingest([str(GOOD)], records_env(home))  # the program is back
    assert code == 0, err
    assert [d["status"] for d in summary["documents"]] == ["processed"]
    again = run_records(["import", str(folder), "--manifest", str(manifest), "--json"], records_env(home), check=False)
    assert again.returncode == 0, again.stderr
    [file] = json.loads(again.stdout)["files"]
    assert file["status"] == "processed" and file["reason"] in (None, "")
    found = json.loads(run_records(["search", "وزارة", "--json"], records_env(home)).stdout)
    assert any(hit["title"] == "Circular" for hit in found["hits"])


def test_api_batch_status_follows_the_convention(tmp_path: Path, home: Path) -> None:
    settings = Settings(home=home, workers=1)
    cat = open_catalog(settings)
    token = add_user(cat, "clerk", "default", "clerk")[1]
    cat.close()
    from workers.backends import open_backends

    good = GOOD.read_bytes()
    backends = open_backends(settings)
    try:
        with LiveServer(create_app(settings, backends=backends)) as server, \
                httpx.Client(base_url=server.url, timeout=60) as client:
            headers = {"Authorization": f"Bearer {token}"}
            seen = {}
            for name, files in (("good", [("files", ("g.png", good, "image/png"))]),
                                ("with a rejected file", [("files", ("g.png", good, "image/png")),
                                                          ("files", ("e.png", b"", "image/png"))])):
                batch = client.post("/api/batches", files=files, headers=headers).json()["batch"]
                deadline = time.monotonic() + 300
                while not (status := client.get(f"/api/batches/{batch}", headers=headers).json())["done"]:
                    assert time.monotonic() < deadline, status
                    time.sleep(0.3)
                seen[name] = (status["outcome"], status["exit_code"], {f["name"]: f["status"] for f in status["files"]})
            assert seen == {"good": ("complete", 0, {"g.png": "processed"}),
                            "with a rejected file": ("complete", 0, {"g.png": "duplicate", "e.png": "rejected"})}
    finally:
        backends.close()
