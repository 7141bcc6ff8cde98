"""Rebuild the search index from the store: every processed document's manifest and page texts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from documents.model import Manifest, manifest_key
from index import open_index
from index.base import IndexCorrupt
from workers.pipeline import dossier_title, index_doc_for, page_texts


def index_docs(backends, on_document: Callable[[], None] | None = None) -> Iterator:
    """IndexDoc for each processed document in the store, streamed."""
    for doc_id in backends.store.document_ids():
        manifest = Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))
        if manifest.status != "processed" or manifest.trashed is not None or manifest.superseded_by:
            continue  # trash is never searchable, nor a document split or merged into new ones
        if on_document:
            on_document()
        yield index_doc_for(manifest, page_texts(backends, manifest), dossier_title(backends, manifest.dossier))
    from archives.tombstones import tombstone_docs

    yield from tombstone_docs(backends.store)  # destroyed dossiers stay findable as tombstones


def rebuild_index(backends, on_document: Callable[[], None] | None = None) -> int:
    """Replace the index's contents with what the store holds; returns the number of documents indexed.

    Backends with a `rebuild` (Elasticsearch: new versioned index, then an alias swap) get no downtime;
    others are cleared and refilled.
    """
    count = 0

    def counted() -> Iterator:
        nonlocal count
        for doc in index_docs(backends, on_document):
            count += 1
            yield doc

    try:
        index = backends.index
    except IndexCorrupt:  # derived data: start afresh from the store
        index = backends.__dict__["index"] = open_index(backends.settings, rebuild=True)
    if hasattr(index, "rebuild"):
        index.rebuild(counted())
    else:
        index.clear()
        batch: list = []
        for doc in counted():
            batch.append(doc)
            if len(batch) >= 500:
                index.upsert(batch)
                batch = []
        if batch:
            index.upsert(batch)
    return count
