"""What only the embedded tantivy backend has: files on disk, reopening, corruption, concurrent readers/writers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index import open_index
from index.base import Access, IndexCorrupt, IndexDoc, IndexedPage, SearchRequest
from index.tantivy_index import TantivyIndex
from settings import Settings

ADMIN = Access(None, all_agencies=True)


def doc(doc_id: str, text: str, agency: str = "A") -> IndexDoc:
    return IndexDoc(
        id=doc_id,
        agency=agency,
        visibility="private",
        shared_with=[],
        title=None,
        doc_type="decision",
        doc_number=None,
        issued_date="2024-01-02",
        language="vie",
        issuing_body=None,
        dossier=None,
        dossier_title=None,
        tags=[],
        created_at="2024-01-03T00:00:00Z",
        pages=[IndexedPage(1, text)],
    )


def test_open_index_uses_records_home(tmp_path: Path) -> None:
    idx = open_index(Settings(home=tmp_path))
    idx.upsert([doc("d1", "đất đai")])
    idx.close()
    assert (tmp_path / "index" / "meta.json").exists()
    again = open_index(Settings(home=tmp_path))
    assert again.count() == 1
    assert [h.id for h in again.search(SearchRequest("dat dai", ADMIN)).hits] == ["d1"]


def test_corrupt_index_tells_the_user_to_reindex(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("d1", "đất đai")])
    idx.close()
    (tmp_path / "index" / "meta.json").write_text("{ this is not json")
    with pytest.raises(IndexCorrupt, match="records reindex"):
        TantivyIndex(tmp_path / "index")
    rebuilt = TantivyIndex(tmp_path / "index", rebuild=True)
    assert rebuilt.count() == 0
    rebuilt.upsert([doc("d1", "đất đai")])
    assert rebuilt.count() == 1


def test_damaged_segment_files_tell_the_user_to_reindex(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc(f"d{i}", f"đất đai số {i}") for i in range(50)])
    idx.close()
    for f in (tmp_path / "index").iterdir():
        if f.suffix in (".idx", ".term", ".store", ".pos", ".fast"):
            f.write_bytes(b"\0" * 16)
    with pytest.raises(IndexCorrupt, match="records reindex"):
        reopened = TantivyIndex(tmp_path / "index")
        reopened.search(SearchRequest("đất", ADMIN))


def test_index_from_another_schema_version_asks_for_reindex(tmp_path: Path) -> None:
    TantivyIndex(tmp_path / "index").close()
    (tmp_path / "index" / "records-index.json").write_text('{"schema": 0}')
    with pytest.raises(IndexCorrupt, match="records reindex"):
        TantivyIndex(tmp_path / "index")


def test_rebuild_refuses_to_delete_a_directory_that_is_not_an_index(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="does not look like a search index"):
        TantivyIndex(tmp_path / "index", rebuild=True)
    assert (tmp_path / "index" / "precious.txt").exists()


def test_readers_and_writers_in_threads(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("seed", "chung")])
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                result = idx.search(SearchRequest("chung", ADMIN, limit=100))
                assert result.total == len(result.hits) >= 1  # a committed snapshot, never a half-written one
        except BaseException as exc:
            errors.append(exc)

    def write(start: int) -> None:
        try:
            for i in range(start, start + 10):
                idx.upsert([doc(f"w{i}", f"chung {i}")])
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    writers = [threading.Thread(target=write, args=(s,)) for s in (0, 100)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not errors, errors
    assert idx.count() == 21


def test_two_handles_on_one_directory_share_the_writer(tmp_path: Path) -> None:
    first = TantivyIndex(tmp_path / "index")
    second = TantivyIndex(tmp_path / "index")
    threads = [
        threading.Thread(target=lambda: first.upsert([doc(f"a{i}", "x") for i in range(200)])),
        threading.Thread(target=lambda: second.upsert([doc(f"b{i}", "x") for i in range(200)])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # A handle sees its own commits at once and the other handle's after its reader notices the new commit.
    deadline = time.monotonic() + 10
    while {first.count(), second.count()} != {400} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (first.count(), second.count()) == (400, 400)


def test_closed_index_refuses_work(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.close()
    idx.close()
    with pytest.raises(RuntimeError, match="closed"):
        idx.search(SearchRequest("x", ADMIN))


def test_rebuild_swaps_content_in_one_commit(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("old", "cũ")])
    seen_during: list[int] = []

    def docs():
        for i in range(30):
            if i == 15:  # halfway through, searches still see the old content
                seen_during.append(idx.count())
            yield doc(f"new{i}", "mới")

    assert idx.rebuild(docs()) == 30
    assert seen_during == [1]
    assert idx.count() == 30
    assert idx.get("old") is None


def test_failed_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("old", "cũ")])

    def docs():
        yield doc("new", "mới")
        raise OSError("object store went away")

    with pytest.raises(OSError, match="went away"):
        idx.rebuild(docs())
    assert [h.id for h in idx.search(SearchRequest("", ADMIN)).hits] == ["old"]
    idx.upsert([doc("after", "sau")])  # the writer was released
    assert idx.count() == 2


def test_a_killed_writer_leaves_the_last_commit_and_no_lock(tmp_path: Path) -> None:
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("kept", "đã lưu")])
    script = f"""
import sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
from tests.test_index_tantivy import doc
from index.tantivy_index import TantivyIndex
idx = TantivyIndex({str(tmp_path / "index")!r})
def docs():
    for i in range(500):
        yield doc(f"lost{{i}}", "chưa lưu")
    print("writing", flush=True)
    time.sleep(60)
idx.rebuild(docs())
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
    finally:
        proc.kill()
        proc.wait()
    reopened = TantivyIndex(tmp_path / "index")
    assert [h.id for h in reopened.search(SearchRequest("", ADMIN)).hits] == ["kept"]
    reopened.upsert([doc("after", "sau")])  # the dead writer's lock is gone
    assert reopened.count() == 2


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Straße und Schlosssee", "strasse und schloßsee"),
        ("œuvre complète", "oeuvre complete"),
        ("l'élève naïve", "eleve naive"),
        ("garcon", "garçon"),
    ],
)
def test_folded_matching_covers_french_and_letters_that_fold_to_two(tmp_path: Path, text: str, query: str) -> None:
    """Folding at query time (regex over exact words) covers what the folded field of schema 6 matched."""
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("hit", text), doc("other", "không liên quan")])
    assert [h.id for h in idx.search(SearchRequest(query, ADMIN)).hits] == ["hit"]
    assert [h.id for h in idx.search(SearchRequest(f'"{query}"', ADMIN)).hits] == ["hit"]



@pytest.mark.parametrize("query", ["stra*", "stras*", "strass*", "straß*", '"die stras*"', "nguyê*", "nguye*", "ng*"])
def test_folded_prefixes(tmp_path: Path, query: str) -> None:
    """A prefix matches every word whose fold starts with the prefix's fold, also one ending in half of ß."""
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("hit", "die Straße Nguyễn"), doc("other", "không liên quan")])
    assert [h.id for h in idx.search(SearchRequest(query, ADMIN)).hits] == ["hit"]


def test_a_phrase_ending_in_a_prefix_of_too_many_words_still_finds_the_phrase(tmp_path: Path) -> None:
    """Beyond the 16,384 words tantivy's positional prefix may expand to, the phrase's whole words are matched in
    order and its prefix anywhere in the document, rather than nothing found."""
    many = " ".join(f"r{n}x" for n in range(17_000))
    idx = TantivyIndex(tmp_path / "index")
    idx.upsert([doc("hit", f"land registration {many}"), doc("near", "land office"), doc("other", "road map")])
    assert [h.id for h in idx.search(SearchRequest('"land r*"', ADMIN)).hits] == ["hit"]
    assert [h.id for h in idx.search(SearchRequest('"lând regis*"', ADMIN)).hits] == ["hit"]
