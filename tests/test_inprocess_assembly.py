"""The embedded queue's assembler indexes the documents that finished together in one commit; a document the index
refuses fails alone, with its reason, and the others of its batch are processed (real store, real tantivy index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.model import manifest_key
from index.base import Access, SearchRequest
from ingest.intake import IngestOptions, accept_file
from ingest.sources import expand
from sample_set import SampleSet
from workers.backends import open_backends
from workers.inprocess import _Assembler
from workers.pipeline import load_manifest, store_page
from workers.stages import ocr_page, start_document


def _stored_pages(backends, paths: list[Path], scratch: Path) -> list[tuple[str, int, Path]]:
    """Accept the files and read and store their pages, as the pool does: (id, pages, local original) each."""
    out = []
    with expand(paths, backends.settings.max_file_bytes) as inputs:
        for item in inputs:
            entry = accept_file(item, IngestOptions(agency="a", visibility="public"), backends, "batch", {})
            works = start_document(backends, entry.id, scratch)
            for work in works:
                store_page(backends, entry.id, ocr_page(work))
            out.append((entry.id, len(works), Path(works[0].path)))
    return out


def test_a_document_the_index_refuses_fails_alone_in_its_batch(home: Path, tmp_path: Path, sample_set: SampleSet,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECORDS_HOME", str(home))
    backends = open_backends()
    first, second = _stored_pages(backends, [sample_set.quickest("eng").path, sample_set.quickest("vie").path],
                                   tmp_path)
    assembler = _Assembler(backends)
    try:
        assembler.add(*first)
        assembler.start_due(last=True)
        [done] = assembler.running
        assert [m.status for m in assembler.finished(done)] == ["processed"]

        # the second document's manifest loses its agency: the index refuses it (index.base.check_doc)
        manifest = backends.store.get_json(manifest_key(second[0]))
        backends.store.put_json(manifest_key(second[0]), {**manifest, "agency": ""})
        assembler.add(*first)  # assembled again (idempotent) in the same batch as the refused one
        assembler.add(*second)
        assert assembler.wait_seconds() > 0  # waits for more documents before it commits...
        assembler.start_due(last=True)  # ...unless no page is left to read
        [done] = assembler.running
        outcome = {m.id: m for m in assembler.finished(done)}
    finally:
        assembler.shutdown()
    assert outcome[first[0]].status == "processed"
    assert outcome[second[0]].status == "failed"
    assert "agency is empty" in outcome[second[0]].error
    assert load_manifest(backends, second[0]).status == "failed"  # recorded in the store, with its reason
    hits = backends.index.search(SearchRequest(query=sample_set.quickest("eng").phrase, access=Access(agency="a")))
    assert [h.id for h in hits.hits] == [first[0]]
    backends.close()
