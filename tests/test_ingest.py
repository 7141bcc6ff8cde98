"""Intake: type by content, archive member safety, the batch ledger, duplicates, bad files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import REALWORLD, ingest_json, records_json
from documents.errors import RejectedInput
from ingest.sniff import sniff
from ingest.sources import expand, safe_member_name
from sample_set import SampleSet


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "png"),  # a PNG named .pdf is a PNG
    ("photo.png", b"\xff\xd8\xff\xe0" + b"\0" * 40, "jpeg"),
    ("page.dat", b"II*\x00" + b"\0" * 40, "tiff"),
    ("junk-header.pdf", b"garbage before the header\n%PDF-1.4\n", "pdf"),
    ("image.bin", b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 20, "webp"),
    ("a.bmp", b"BM" + b"\0" * 40, "bmp"),
])
def test_type_is_decided_by_content_not_extension(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    assert sniff(_write(tmp_path / name, data)).kind == kind


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.pdf", b"", "empty file"),
    ("letter.pdf", "Kính gửi: Sở Tài chính\n".encode(), "text file"),
    ("random.jpg", bytes(range(256)) * 8, "unsupported file type"),
])
def test_unsupported_content_is_rejected_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput, match=reason):
        sniff(_write(tmp_path / name, data))


def test_office_documents_are_refused_not_expanded_as_archives() -> None:
    with pytest.raises(RejectedInput, match="office document"):
        sniff(REALWORLD / "paperless-ngx" / "sample.docx")


@pytest.mark.parametrize(("name", "safe"), [
    ("scans/page1.png", "scans/page1.png"),
    ("./a/./b.png", "a/b.png"),
    ("../outside.png", None),
    ("a/../../outside.png", None),
    ("/etc/passwd", None),
    ("C:/Windows/x.png", None),
    ("a\\..\\..\\x.png", None),
])
def test_archive_member_names_are_sanitised(name: str, safe: str | None) -> None:
    assert safe_member_name(name) == safe


def test_zip_members_are_ingested_and_unsafe_ones_refused(tmp_path: Path, env: dict, samples: Path) -> None:
    archive = tmp_path / "batch.zip"
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(samples / "s_en_02.pdf", "minutes.pdf")
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(samples / "s_vi_04.pdf", "folder/letter.pdf")
        zf.writestr("../escape.pdf", (samples / "s_en_02.pdf").read_bytes())
        zf.writestr("notes.txt", "not a scan")
        zf.write(inner, "inner.zip")

    summary = records_json(["ingest", str(archive)], env)  # 3 members rejected: exit 0, each with its reason

    states = {d["path"]: (d["status"], d["error"] or "") for d in summary["documents"]}
    assert states[f"{archive}/folder/letter.pdf"] == ("processed", "")
    refused = (("../escape.pdf", "unsafe name"), ("notes.txt", "text file"), ("inner.zip", "inner archive"))
    for member, reason in refused:
        status, error = states[f"{archive}/{member}"]
        assert status == "rejected" and reason in error, (member, status, error)
    assert summary["counts"] == {"processed": 1, "duplicate": 0, "rejected": 3, "failed": 0}
    assert not (tmp_path.parent / "escape.pdf").exists()


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (50 << 20))
    with expand([archive], max_bytes=1 << 30) as inputs:
        (item,) = list(inputs)
    assert item.local is None and "zip bomb" in item.error


def test_bad_files_are_reported_and_good_ones_still_processed(tmp_path: Path, env: dict,
                                                             sample_set: SampleSet) -> None:
    folder = tmp_path / "batch"
    good, image = sample_set.quickest("eng").path, sample_set.scan("vie").path
    shutil.copy(good, _write(folder / f"good{good.suffix}", b""))
    _write(folder / "empty.png", b"")
    truncated = f"truncated{image.suffix}"
    _write(folder / truncated, image.read_bytes()[: image.stat().st_size // 3])
    _write(folder / "sub" / "text-renamed.pdf", b"Minutes of the meeting\nnot really a PDF\n")

    summary = ingest_json([str(folder)], env)  # the truncated image may be rejected or fail: the exit status says which

    by_name = {Path(d["path"]).name: d for d in summary["documents"]}
    assert len(summary["documents"]) == 4
    assert sum(summary["counts"].values()) == 4
    assert by_name[f"good{good.suffix}"]["status"] == "processed" and by_name[f"good{good.suffix}"]["pages"] == 1
    assert by_name["empty.png"]["status"] == "rejected" and "empty" in by_name["empty.png"]["error"]
    assert by_name["text-renamed.pdf"]["status"] == "rejected" and "text file" in by_name["text-renamed.pdf"]["error"]
    assert by_name[truncated]["status"] in ("rejected", "failed")
    assert by_name[truncated]["error"]


def test_same_folder_twice_is_all_duplicates_and_stores_nothing_new(tmp_path: Path, env: dict, home: Path,
                                                                    sample_set: SampleSet) -> None:
    folder = tmp_path / "twice"
    folder.mkdir()
    english, vietnamese = sample_set.quickest("eng").path, sample_set.quickest("vie").path
    for path in (english, vietnamese):
        shutil.copy(path, folder / path.name)
    shutil.copy(english, folder / f"copy-of-{english.name}")  # same bytes inside one batch

    first = records_json(["ingest", str(folder)], env)
    assert first["counts"]["processed"] == 2 and first["counts"]["duplicate"] == 1
    stored = sorted(p.relative_to(home) for p in (home / "store" / "documents").rglob("*"))

    second = records_json(["ingest", str(folder)], env)
    assert second["counts"] == {"processed": 0, "duplicate": 3, "rejected": 0, "failed": 0}
    assert {d["duplicate_of"] for d in second["documents"]} == {d["id"] for d in first["documents"]}
    assert sorted(p.relative_to(home) for p in (home / "store" / "documents").rglob("*")) == stored


def test_same_bytes_for_another_agency_is_a_separate_document(tmp_path: Path, env: dict,
                                                              sample_set: SampleSet) -> None:
    path = str(sample_set.quickest("eng").path)
    a = records_json(["ingest", path, "--agency", "agency-a"], env)
    b = records_json(["ingest", path, "--agency", "agency-b"], env)
    assert a["documents"][0]["status"] == b["documents"][0]["status"] == "processed"
    assert a["documents"][0]["id"] != b["documents"][0]["id"]


def test_bad_options_are_refused_before_anything_is_stored(env: dict, home: Path, sample_set: SampleSet) -> None:
    from conftest import run_records

    proc = run_records(["ingest", str(sample_set.quickest("eng").path), "--visibility", "shared"], env, check=False)
    assert proc.returncode == 2 and "--share-with" in proc.stderr
    assert not (home / "store" / "documents").exists()
