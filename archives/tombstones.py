"""Tombstones: after a dossier is destroyed, users who may see the dossier still find that it existed and when
and under which destruction record it was destroyed. A tombstone is an index entry rebuilt from the dossier record
(kept in the store with its `destroyed` stamp), never a document: it has no manifest and nothing to download."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from archives.model import Dossier

PREFIX = "tombstone-"


def tombstone_id(dossier_id: str) -> str:
    """The index id of a destroyed dossier's tombstone."""
    return PREFIX + hashlib.sha256(dossier_id.encode()).hexdigest()[:24]


def is_tombstone(doc_id: str) -> bool:
    """True for a tombstone's index id."""
    return doc_id.startswith(PREFIX)


def tombstone_doc(dossier: Dossier):
    """The index entry of a destroyed dossier (`index.base.IndexDoc`). Public dossiers' tombstones are public;
    other dossiers' tombstones are seen by their agency only (as the dossier is)."""
    from index.base import IndexDoc, IndexedPage

    stamp = dossier.destroyed or {}
    text = (f"Destroyed dossier {dossier.display_code}: {dossier.title}. Hồ sơ đã hủy. Destroyed on "
            f"{stamp.get('at', '')[:10]} under destruction record {stamp.get('record', '')}.")
    return IndexDoc(id=tombstone_id(dossier.id), agency=dossier.agency,
                    visibility="public" if dossier.access_level == "public" else "private", shared_with=[],
                    title=f"[destroyed] {dossier.title}", doc_type="other", doc_number=dossier.display_code,
                    issued_date=(stamp.get("at") or "")[:10] or None, language=dossier.language,
                    issuing_body=None, dossier=dossier.id, dossier_title=dossier.title, tags=["tombstone"],
                    created_at=stamp.get("at") or dossier.updated_at, pages=[IndexedPage(number=1, text=text)])


def tombstone_docs(store) -> Iterator:
    """Index entries of every destroyed dossier (for `records reindex`)."""
    from archives.repository import list_dossiers

    for dossier in list_dossiers(store):
        if dossier.destroyed:
            yield tombstone_doc(dossier)
