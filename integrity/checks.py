"""What `records verify` checks on one document: the original and every derivative against the sha256 recorded
when it was stored, and whether the search index agrees with the manifest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from documents.errors import NotFound
from documents.model import Manifest, derivative_key, original_key, page_key


@dataclass
class Problem:
    """One problem with one stored object of one document. `repaired` is None when no repair was attempted."""

    id: str
    object: str  # the object's name inside the document (original.pdf, pages/0001.png, searchable.pdf) or "index"
    problem: str
    repaired: bool | None = None

    def to_dict(self) -> dict:
        """JSON view (`repaired` only when a repair was attempted)."""
        out = {"id": self.id, "object": self.object, "problem": self.problem}
        if self.repaired is not None:
            out["repaired"] = self.repaired
        return out


def object_hash(store, key: str) -> str | None:
    """sha256 of a stored object, streamed; None when it is missing."""
    digest = hashlib.sha256()
    try:
        for chunk in store.open_stream(key):
            digest.update(chunk)
    except NotFound:
        return None
    return digest.hexdigest()


def _compare(store, doc_id: str, key: str, name: str, expected: str) -> str | None:
    actual = object_hash(store, key)
    if actual is None:
        return "missing"
    if actual != expected:
        return "damaged: its sha256 differs from the one recorded when it was stored"
    return None


def check_original(store, manifest: Manifest) -> Problem | None:
    """The original against its ingest hash. Never repaired: restore it from a backup."""
    name = f"original.{manifest.original.ext}"
    found = _compare(store, manifest.id, original_key(manifest.id, manifest.original.ext), name,
                     manifest.original.sha256)
    if found is None:
        return None
    return Problem(manifest.id, name, f"original {found}; it is never re-derived or replaced automatically — "
                                      "restore it from a backup (`records restore`) or ingest the paper again")


def check_derivatives(store, manifest: Manifest) -> list[tuple[Problem, int | None, str]]:
    """Every derivative with a recorded hash: (problem, page number or None, suffix/name) for each bad one.

    Every change a person makes (corrected text, a rotated or replaced page) records the new hashes, so edited
    documents are checked like any other."""
    found: list[tuple[Problem, int | None, str]] = []
    for page in manifest.pages:
        for what, expected in sorted(page.sha256.items()):
            problem = _compare(store, manifest.id, page_key(manifest.id, page.number, what), what, expected)
            if problem:
                name = f"pages/{page.number:04d}.{what}"
                found.append((Problem(manifest.id, name, f"derivative {problem}"), page.number, what))
    for name, expected in sorted(manifest.derivatives.items()):
        problem = _compare(store, manifest.id, derivative_key(manifest.id, name), name, expected)
        if problem:
            found.append((Problem(manifest.id, name, f"derivative {problem}"), None, name))
    return found


def should_be_indexed(manifest: Manifest) -> bool:
    """Processed documents outside the trash are searchable; nothing else is."""
    return manifest.status == "processed" and manifest.trashed is None
