"""The import journal (rows by path, file states, duplicates within an import) and dossier ids and objects."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from documents.errors import NotFound
from ingest.legacy.dossiers import dossier_id, read_dossier, write_dossier
from ingest.legacy.fields import ManifestRow
from ingest.legacy.journal import ImportBusy, Journal, JournalSeen, journal_path
from storage.base import check_key
from storage.local import LocalStore


def test_rows_are_found_by_path_and_duplicate_paths_flagged(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.load_rows([ManifestRow(2, "a.pdf", supplied={"title": "A"}), (3, "unreadable CSV"),
                           ManifestRow(4, "b.pdf"), ManifestRow(5, "a.pdf", supplied={"title": "again"}),
                           ManifestRow(6, "c.pdf")])
        a = journal.row_for("a.pdf")
        assert a is not None and a.line == 2 and "also on line(s) 5" in a.errors[0]
        assert journal.row_for("b.pdf").errors == []
        assert journal.row_for("zzz.pdf") is None
        assert list(journal.problems()) == [(3, "unreadable CSV")]
        journal.record("b.pdf", status="processed", line=4, doc_id="d1")
        assert list(journal.missing_rows()) == [(2, "a.pdf"), (6, "c.pdf")]


def test_states_survive_reopening_and_count_every_file_once(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        journal.record("a.pdf", status="queued", doc_id="d1", dossier="D")
        journal.record("b.pdf", status="duplicate", doc_id="d1", duplicate_of="d1", dossier="D")
        journal.record("c.pdf", status="rejected", reason="empty file")
        seen = JournalSeen(journal)
        assert "d1" in seen and seen["d1"].path == "a.pdf" and "d2" not in seen
    with Journal(path) as journal:  # a new process resuming
        assert journal.file("a.pdf").status == "queued"
        journal.finish("d1", "processed", None, 3)
        assert journal.counts() == {"processed": 1, "duplicate": 1, "rejected": 1, "failed": 0}
        assert journal.file("a.pdf").pages == 3
        assert journal.dossier_documents("D") == ["d1"]


def test_a_running_import_cannot_be_started_twice(tmp_path: Path) -> None:
    path = journal_path(tmp_path, tmp_path / "tree", tmp_path / "m.csv")
    with Journal(path), pytest.raises(ImportBusy, match="already running"):
        Journal(path)
    Journal(path).close()  # released when the first one closed


def test_loading_a_large_manifest_keeps_memory_flat(tmp_path: Path) -> None:
    def rows(n: int):
        for i in range(n):
            yield ManifestRow(i + 2, f"box-{i // 100}/file-{i}.pdf", supplied={"title": f"Record {i}" * 5})

    with Journal(tmp_path / "j.sqlite3") as journal:
        tracemalloc.start()
        journal.load_rows(rows(20_000))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert journal.row_for("box-199/file-19999.pdf").line == 20_001
    assert peak < 5 * 1024 * 1024, f"loading 20,000 rows peaked at {peak / 1e6:.1f} MB of Python objects"


@pytest.mark.parametrize("name", ["HS-2019-001", "box_07", "a.b"])
def test_safe_dossier_names_are_kept(name: str) -> None:
    assert dossier_id(name) == name


def test_unsafe_dossier_names_become_distinct_safe_keys() -> None:
    ids = {dossier_id(n) for n in ("Hồ sơ đất đai 2019", "Ho so dat dai 2019", "2019/Land permits", "../../etc",
                                   "   ", "۲۰۱۹ اراضی")}
    assert len(ids) == 6
    for did in ids:
        assert check_key(f"dossiers/{did}.json")
    assert dossier_id("Hồ sơ đất đai 2019").startswith("Ho-so-dat-dai-2019-")


def test_dossier_object_keeps_other_imports_documents_and_is_stable(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    write_dossier(store, "D", "Dossier D", "province-a", ["x1", "x2"])  # another import
    write_dossier(store, "D", "Dossier D", "province-a", [])  # ours, before any document
    write_dossier(store, "D", "Dossier D", "province-a", ["y2", "x2", "y1"])
    once = read_dossier(store, "D")
    write_dossier(store, "D", "Dossier D", "province-a", ["y2", "x2", "y1"])  # a resumed run writes it again
    assert read_dossier(store, "D") == once == {"id": "D", "title": "Dossier D", "agency": "province-a",
                                                "documents": ["x1", "y2", "x2", "y1"]}
    with pytest.raises(NotFound):
        read_dossier(store, "../documents")
