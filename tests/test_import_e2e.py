"""`records import` end to end on a generated legacy tree (real OCR, real files, the real command line).

The tree: ~200 born-digital PDFs (copies of s_en_02.pdf / s_vi_04.pdf made unique by a PDF comment after
%%EOF, so no OCR), two image scans, exact duplicates, broken files, and a semicolon CSV manifest with a BOM
holding good and bad rows. Most files are cheap so the whole module runs in a few minutes on 2 cores.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO, records_env, records_json, run_records

pytestmark = pytest.mark.slow

BORN_DIGITAL = ("s_en_02.pdf", "s_vi_04.pdf")
FOLDERS = ("2019/Quyết định", "2019/land records", "2020", "misc/scans")
N_COPIES = 196


@dataclass
class Legacy:
    """A generated legacy tree, its manifest, and what the import must say about each file."""

    root: Path
    manifest: Path
    files: list[str] = field(default_factory=list)
    expect: dict[str, str] = field(default_factory=dict)  # path -> final state
    bad_lines: dict[int, str] = field(default_factory=dict)  # manifest line -> expected words of the problem
    missing: list[str] = field(default_factory=list)
    no_row: list[str] = field(default_factory=list)
    dossier_order: list[str] = field(default_factory=list)  # paths of dossier HS-2019-QD in manifest order
    other_agency: str = ""  # the file whose row names province-b


def _unique_pdf(samples: Path, n: int) -> bytes:
    return (samples / BORN_DIGITAL[n % 2]).read_bytes() + f"\n% copy {n}\n".encode()


def build_legacy(base: Path, samples: Path) -> Legacy:
    """Write the tree and its manifest under `base`."""
    root = base / "legacy"
    legacy = Legacy(root, base / "manifest.csv")
    rows: list[list[str]] = []

    def put(rel: str, data: bytes, state: str) -> str:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        legacy.files.append(rel)
        legacy.expect[rel] = state
        return rel

    for n in range(N_COPIES):
        folder = FOLDERS[n % len(FOLDERS)]
        name = f"{folder}/{'Văn bản' if n % 2 else 'minutes'} {n:03d}.pdf"
        rel = put(name, _unique_pdf(samples, n), "processed")
        if n % 10 == 9:
            legacy.no_row.append(rel)  # no manifest row: extracted metadata only
            continue
        date = f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2000 + n % 20}" if n % 3 else f"{2000 + n % 20}-03-0{1 + n % 9}"
        doc_type = "Quyết định" if folder.endswith("Quyết định") else "meeting_minutes" if n % 2 == 0 else "report"
        dossier = "HS-2019-QD" if folder.endswith("Quyết định") else ""
        rows.append([rel, f"Legacy record {n}", doc_type, date, dossier, "tag-a|tag-b" if n % 5 == 0 else ""])
    legacy.dossier_order = [r[0] for r in rows if r[4] == "HS-2019-QD"]
    # two image scans (real OCR), one also present as an exact duplicate further down the tree
    put("2020/scan en.png", (samples / "s_en_01.png").read_bytes(), "processed")
    put("zz-copies/scan en again.png", (samples / "s_en_01.png").read_bytes(), "duplicate")
    put("misc/scans/vi.png", (samples / "s_vi_01.png").read_bytes(), "processed")
    rows.append(["2020/scan en.png", "Certificate scan", "certificate", "2018-11-20", "", ""])
    # exact duplicates of earlier born-digital files (same bytes)
    for n in range(5, 45, 5):
        put(f"zz-copies/copy of {n:03d}.pdf", _unique_pdf(samples, n), "duplicate")
    # broken files
    put("misc/empty.pdf", b"", "rejected")
    put("misc/truncated.pdf", _unique_pdf(samples, 999)[:3000], "rejected")
    put("misc/letter.pdf", "Kính gửi: Sở Tài chính\n".encode(), "rejected")
    rows.append(["misc/truncated.pdf", "Truncated", "report", "2019-01-01", "", ""])
    legacy.no_row += ["zz-copies/scan en again.png", "misc/scans/vi.png", "misc/empty.pdf", "misc/letter.pdf"]
    legacy.no_row += [f"zz-copies/copy of {n:03d}.pdf" for n in range(5, 45, 5)]
    legacy.no_row = [p for p in legacy.no_row if p in legacy.expect]

    header = ["path", "title", "doc_type", "issued_date", "dossier", "tags"]
    lines = [";".join(header)] + [";".join(r) for r in rows]
    # bad rows, each for an existing file that has no other row (so the file is rejected for it)
    targets = [r for r in legacy.no_row if r.endswith(".pdf") and not r.startswith(("misc/", "zz-"))][:4]
    bad = [(targets[0], "31/02/2019", "report", "province-a", "not a real calendar date"),
           (targets[1], "2019-05-05", "memo", "province-a", "doc_type 'memo' is unknown"),
           (targets[2], "2019-05-05", "report", "province-z", "'province-z' is unknown")]
    header.append("agency")
    lines[0] += ";agency"
    lines = [lines[0]] + [line + ";" for line in lines[1:]]
    for rel, date, doc_type, agency, words in bad:
        lines.append(f"{rel};Bad row;{doc_type};{date};;;{agency}")
        legacy.bad_lines[len(lines)] = words
        legacy.expect[rel] = "rejected"
        legacy.no_row.remove(rel)
    first = rows[0][0]  # a second row for the same file: both rows are refused, the file too
    lines.append(f"{first};Second row;report;2019-01-01;;;")
    legacy.bad_lines[2] = "also on line"
    legacy.expect[first] = "rejected"
    lines.append("2019/does not exist.pdf;Lost;report;2019-01-01;;;")
    legacy.missing.append("2019/does not exist.pdf")
    lines.append("misc/x.pdf;a;b;c;d;e;f;g;h")
    legacy.bad_lines[len(lines)] = "cells but the header has"
    lines.append(f"{targets[3]};Other agency;report;2019-05-05;;;province-b")
    legacy.no_row.remove(targets[3])
    legacy.other_agency = targets[3]
    legacy.manifest.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode())
    if first in legacy.dossier_order:
        legacy.dossier_order.remove(first)
    return legacy


def add_agencies(env: dict[str, str]) -> None:
    """The catalog must know the agencies the manifest names."""
    run_records(["users", "add", "clerk-a", "--agency", "province-a", "--role", "clerk"], env)
    run_records(["users", "add", "clerk-b", "--agency", "province-b", "--role", "clerk"], env)


def import_args(legacy: Legacy, *extra: str) -> list[str]:
    return ["import", str(legacy.root), "--manifest", str(legacy.manifest), "--agency", "province-a",
            "--visibility", "public", "--jobs", "2", *extra]


@pytest.fixture(scope="module")
def legacy(tmp_path_factory, samples: Path) -> Legacy:
    return build_legacy(tmp_path_factory.mktemp("legacy"), samples)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, legacy: Legacy) -> tuple[dict[str, str], dict]:
    """The tree imported once, uninterrupted: (env, JSON report)."""
    home = tmp_path_factory.mktemp("import-home")
    env = records_env(home)
    add_agencies(env)
    report_path = home.parent / "report.json"
    proc = run_records([*import_args(legacy, "--report", str(report_path)), "--json"], env, check=False)
    assert proc.returncode == 1, proc.stderr  # finished; manifest rows could not be applied, one names a missing file
    report = json.loads(proc.stdout)
    assert json.loads(report_path.read_text()) == report
    return env, report


def test_dry_run_lists_every_problem_with_its_line(legacy: Legacy, env: dict[str, str]) -> None:
    add_agencies(env)
    proc = run_records([*import_args(legacy, "--dry-run"), "--json"], env, check=False)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["files"] == len(legacy.files)
    by_line: dict[int, str] = {}
    for p in report["problems"]:
        if p["line"]:
            by_line[p["line"]] = by_line.get(p["line"], "") + p["message"]
    for line, words in legacy.bad_lines.items():
        assert words in by_line.get(line, ""), f"line {line}: {by_line.get(line)}"
    files = {p["path"]: p["message"] for p in report["problems"] if p["path"]}
    assert "empty file" in files["misc/empty.pdf"]
    assert "text file" in files["misc/letter.pdf"]
    assert "file not found" in files["2019/does not exist.pdf"]
    assert report["not_in_manifest"] == len(legacy.no_row)
    assert not (Path(env["RECORDS_HOME"]) / "store").exists() or not any(
        (Path(env["RECORDS_HOME"]) / "store").rglob("manifest.json")), "a dry run stored documents"


def test_import_accounts_for_every_file(legacy: Legacy, imported: tuple[dict, dict]) -> None:
    _, report = imported
    counts = report["counts"]
    assert counts["processed"] + counts["duplicate"] + counts["rejected"] + counts["failed"] == len(legacy.files)
    assert report["file_count"] == len(report["files"]) == len(legacy.files)
    states = {f["path"]: f for f in report["files"]}
    assert {p: f["status"] for p, f in states.items()} == legacy.expect
    for path, entry in states.items():
        assert entry["status"] == "processed" or entry["reason"], f"{path}: no reason for {entry['status']}"
    assert "empty file" in states["misc/empty.pdf"]["reason"]
    assert "not a readable PDF" in states["misc/truncated.pdf"]["reason"]
    for line, words in legacy.bad_lines.items():
        rejected = [f for f in report["files"] if f["manifest_line"] == line]
        assert all(f["status"] == "rejected" and f"manifest line {line}" in f["reason"] and words in f["reason"]
                   for f in rejected)
    dup = states["zz-copies/copy of 005.pdf"]
    assert dup["id"] == dup["duplicate_of"] == states["2019/land records/Văn bản 005.pdf"]["id"]
    assert dup["reason"] == "same content as 2019/land records/Văn bản 005.pdf"
    assert [m["path"] for m in report["missing"]] == legacy.missing
    assert report["not_in_manifest"] == len(legacy.no_row)
    for path in legacy.no_row:
        assert states[path]["manifest_line"] is None and "not in the manifest" in states[path]["note"]
    assert {p["manifest_line"] for p in report["manifest_problems"]} == set(legacy.bad_lines)


def test_manifest_values_win_and_are_marked(legacy: Legacy, imported: tuple[dict, dict]) -> None:
    env, report = imported
    states = {f["path"]: f for f in report["files"]}
    shown = records_json(["show", states["2019/land records/Văn bản 001.pdf"]["id"]], env)
    md, source = shown["metadata"], shown["metadata_source"]
    assert (md["title"], md["doc_type"], md["issued_date"]) == ("Legacy record 1", "report", "2001-02-02")
    assert source["title"] == source["issued_date"] == source["doc_type"] == "manifest"
    assert source["issuing_body"] == "extracted" and md["issuing_body"]
    decision = records_json(["show", states["2019/Quyết định/minutes 008.pdf"]["id"]], env)
    assert decision["metadata"]["doc_type"] == "decision"  # the Vietnamese kind name in the manifest
    assert decision["dossier"] == "HS-2019-QD" and decision["tags"] == []
    assert records_json(["show", states["2020/minutes 010.pdf"]["id"]], env)["tags"] == ["tag-a", "tag-b"]
    other = records_json(["show", states[legacy.other_agency]["id"]], env)
    assert (other["agency"], other["metadata"]["title"]) == ("province-b", "Other agency")
    no_row = records_json(["show", states[legacy.no_row[0]]["id"]], env)
    assert set(no_row["metadata_source"].values()) == {"extracted"}


def test_dossier_is_listed_in_order_searchable_and_filterable(legacy: Legacy, imported: tuple[dict, dict]) -> None:
    env, report = imported
    ids = {f["path"]: f["id"] for f in report["files"]}
    expected = [ids[p] for p in legacy.dossier_order if legacy.expect[p] == "processed"]
    shown = records_json(["show", "HS-2019-QD"], env)
    assert shown["dossier"]["id"] == "HS-2019-QD"
    assert [d["id"] for d in shown["documents"]] == expected
    found = records_json(["search", "", "--dossier", "HS-2019-QD", "--limit", "1000"], env)
    assert found["total"] == len(expected)
    assert {h["id"] for h in found["hits"]} == set(expected)
    assert all(h["dossier"] == "HS-2019-QD" for h in found["hits"])


def test_second_run_imports_nothing_new(legacy: Legacy, imported: tuple[dict, dict], tmp_path: Path) -> None:
    env, first = imported
    home = Path(env["RECORDS_HOME"])
    before = {p: p.stat().st_mtime_ns for p in (home / "store" / "documents").rglob("manifest.json")}
    proc = run_records([*import_args(legacy), "--json"], env, check=False)
    again = json.loads(proc.stdout)
    assert again["resumed"] is True and again["counts"] == first["counts"]
    assert [(f["path"], f["status"], f["id"]) for f in again["files"]] == \
        [(f["path"], f["status"], f["id"]) for f in first["files"]]
    after = {p: p.stat().st_mtime_ns for p in (home / "store" / "documents").rglob("manifest.json")}
    assert after == before, "a finished import re-processed documents"
    # the same files from another place (a fresh import): everything already in the archive is a duplicate
    copy = tmp_path / "copy"
    shutil.copytree(legacy.root, copy)
    fresh = json.loads(run_records(["import", str(copy), "--manifest", str(legacy.manifest), "--agency",
                                    "province-a", "--visibility", "public", "--json"], env, check=False).stdout)
    assert fresh["counts"]["processed"] == 0
    assert fresh["counts"]["duplicate"] == first["counts"]["processed"] + first["counts"]["duplicate"]


def _final_in_journal(home: Path) -> int:
    journals = list((home / "imports").glob("*.sqlite3"))
    if not journals:
        return 0
    try:
        conn = sqlite3.connect(f"file:{journals[0]}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM files WHERE status IN ('processed', 'duplicate', "
                                "'rejected', 'failed')").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _archive(env: dict[str, str], report: dict) -> dict:
    """Everything a user can see of the imported archive, minus timestamps and batch ids.

    Documents are read from the object store (what `records show` prints), searches through the command line.
    """
    docs = {}
    for path in sorted((Path(env["RECORDS_HOME"]) / "store" / "documents").glob("*/manifest.json")):
        manifest = json.loads(path.read_text())
        docs[manifest["id"]] = {k: manifest[k] for k in ("agency", "visibility", "status", "error", "dossier", "tags",
                                                         "metadata", "metadata_source", "supplied", "original")}
        docs[manifest["id"]] |= {"pages": len(manifest["pages"]), "text": (path.parent / "text.txt").read_text()}
    searches = {}
    for query in ("minutes", "Legacy record", "Khánh Hòa", "certificate", ""):
        found = records_json(["search", query, "--limit", "1000"], env)
        searches[query] = (found["total"], sorted(h["id"] for h in found["hits"]))
    return {"files": [(f["path"], f["status"], f["id"], f["reason"], f["duplicate_of"]) for f in report["files"]],
            "docs": docs, "searches": searches, "dossier": records_json(["show", "HS-2019-QD"], env)}


def test_import_killed_half_way_resumes_to_the_same_archive(legacy: Legacy, imported: tuple[dict, dict],
                                                             tmp_path: Path) -> None:
    reference_env, reference = imported
    home = tmp_path / "killed-home"
    home.mkdir()
    env = records_env(home)
    add_agencies(env)
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", *import_args(legacy)], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while _final_in_journal(home) < len(legacy.files) // 3:
        assert proc.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the importer and its worker processes, like a power cut
    proc.wait()
    assert _final_in_journal(home) < len(legacy.files)
    resumed = json.loads(run_records([*import_args(legacy), "--json"], env, check=False).stdout)
    assert resumed["resumed"] is True and resumed["done_before"] > 0
    assert resumed["counts"] == reference["counts"]
    assert _archive(env, resumed) == _archive(reference_env, reference)


def test_zip_archive_with_json_lines_manifest_and_folder_dossiers(tmp_path: Path, samples: Path,
                                                                  env: dict[str, str]) -> None:
    archive = tmp_path / "legacy.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n, folder in enumerate(("Hồ sơ 1", "Hồ sơ 1", "box 2", "box 2", "")):
            zf.writestr(f"{folder}/f{n}.pdf".lstrip("/"), _unique_pdf(samples, 500 + n))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"path": "box 2/f3.pdf", "title": "Fourth", "issued_date": "01/02/2003",
                                    "dossier": "special", "dossier_title": "Special dossier"}) + "\n")
    report = records_json(["import", str(archive), "--manifest", str(manifest), "--dossier-per-folder"], env)
    assert report["counts"]["processed"] == 5
    dossiers = {f["path"]: f["dossier"] for f in report["files"]}
    assert dossiers["box 2/f2.pdf"] != dossiers["box 2/f3.pdf"] == "special"
    assert dossiers["Hồ sơ 1/f0.pdf"] == dossiers["Hồ sơ 1/f1.pdf"]
    assert dossiers["Hồ sơ 1/f0.pdf"].startswith("Ho-so-1-")
    assert dossiers["f4.pdf"] is None
    folder = records_json(["show", dossiers["Hồ sơ 1/f0.pdf"]], env)
    assert folder["dossier"]["title"] == "Hồ sơ 1" and len(folder["documents"]) == 2
    special = records_json(["show", "special"], env)
    assert special["dossier"]["title"] == "Special dossier"
    assert [d["title"] for d in special["documents"]] == ["Fourth"]


def test_corrected_manifest_row_is_imported_on_the_next_run(tmp_path: Path, samples: Path,
                                                             env: dict[str, str]) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for n in range(3):
        (root / f"f{n}.pdf").write_bytes(_unique_pdf(samples, 700 + n))
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,title,issued_date\nf0.pdf,Zero,2001-01-01\nf1.pdf,One,31/02/2001\n")
    args = ["import", str(root), "--manifest", str(manifest)]
    first = records_json(args, env, expect=1)  # exit 1: manifest line 3 could not be applied
    assert first["counts"] == {"processed": 2, "duplicate": 0, "rejected": 1, "failed": 0}
    rejected = next(f for f in first["files"] if f["status"] == "rejected")
    assert rejected["path"] == "f1.pdf" and rejected["reason"].startswith("manifest line 3: issued_date")
    documents = Path(env["RECORDS_HOME"]) / "store" / "documents"
    done = {f["id"]: (documents / f["id"] / "manifest.json").stat().st_mtime_ns for f in first["files"] if f["id"]}
    manifest.write_text("path,title,issued_date\nf0.pdf,Zero,2001-01-01\nf1.pdf,One,28/02/2001\n")
    second = records_json(args, env)  # exit 0: everything imported now
    assert second["counts"] == {"processed": 3, "duplicate": 0, "rejected": 0, "failed": 0}
    fixed = next(f for f in second["files"] if f["path"] == "f1.pdf")
    assert records_json(["show", fixed["id"]], env)["metadata"]["issued_date"] == "2001-02-28"
    for doc_id, mtime in done.items():  # the others were not touched again
        assert (documents / doc_id / "manifest.json").stat().st_mtime_ns == mtime
