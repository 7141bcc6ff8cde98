"""Removing a document for good: every stored object under `documents/<id>/` and its index entry.

Shared by approved disposition here (and meant for the trash's purge): it returns what it removed with the
sha256 of each object, computed from the stored bytes just before deletion, so the caller can keep a record.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from documents.model import manifest_key


@dataclass(frozen=True)
class RemovedObject:
    """One object that was deleted: its key, size and the sha256 of its bytes."""

    key: str
    size: int
    sha256: str

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def _hash(store, key: str) -> RemovedObject:
    digest, size = hashlib.sha256(), 0
    for chunk in store.open_stream(key):
        digest.update(chunk)
        size += len(chunk)
    return RemovedObject(key=key, size=size, sha256=digest.hexdigest())


def document_objects(backends, doc_id: str) -> list[RemovedObject]:
    """Every stored object of `doc_id` with its size and sha256, without removing anything (what a record of a
    removal lists before it happens)."""
    return [_hash(backends.store, k) for k in backends.store.list(f"documents/{doc_id}/")]


def remove_document_objects(backends, doc_id: str) -> list[RemovedObject]:
    """Delete every object of document `doc_id` from the store and its entry from the index.

    The index entry goes first (nothing searchable may point at deleted objects), then the objects, the
    manifest last: an interrupted removal leaves a manifest, so running it again finishes the job.
    """
    store = backends.store
    backends.index.delete([doc_id])
    keys = [k for k in store.list(f"documents/{doc_id}/") if k != manifest_key(doc_id)]
    if store.exists(manifest_key(doc_id)):
        keys.append(manifest_key(doc_id))
    removed = []
    for key in keys:
        removed.append(_hash(store, key))
        store.delete(key)
    return removed
