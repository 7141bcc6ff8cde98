"""Document-level archival edits, made through `changes.core.change_document` so each is a revision of the
manifest: moving a document into (or out of) a dossier, and its access level."""

from __future__ import annotations

from archives.access import can_edit_dossier
from archives.model import ArchiveConflict, check_access_level
from archives.repository import get_dossier, put_dossier
from changes.core import Editor, change_document, revision
from documents.access import Principal, can_view
from documents.errors import NotFound
from documents.model import Manifest, Revision
from workers.pipeline import load_manifest


def _may_edit(principal: Principal, manifest: Manifest) -> bool:
    return can_view(principal, manifest) and can_edit_dossier(principal, manifest.agency)


def _visible(editor: Editor, doc_id: str) -> Manifest:
    manifest = load_manifest(editor.backends, doc_id)
    if not can_view(editor.principal, manifest):
        raise NotFound(f"no document {doc_id}")
    return manifest


def move_to_dossier(editor: Editor, doc_id: str, code: str | None) -> Manifest:
    """Put document `doc_id` in dossier `code` (None: take it out of its dossier). Both dossiers' lists follow.

    Refused for a dossier of another agency, a destroyed dossier, or out of a dossier under legal hold."""
    _visible(editor, doc_id)
    store = editor.backends.store
    target = get_dossier(store, code) if code else None

    def mutate(manifest: Manifest) -> list[Revision]:
        if target is not None and target.agency != manifest.agency:
            raise ArchiveConflict(f"dossier {target.display_code} belongs to {target.agency}, the document to "
                                f"{manifest.agency}", "a_other_agency", code=target.display_code,
                                owner=target.agency, agency=manifest.agency)
        if target is not None and target.destroyed:
            raise ArchiveConflict(f"dossier {target.display_code} was destroyed", "a_destroyed",
                                  code=target.display_code)
        if manifest.dossier and (target is None or manifest.dossier != target.id):
            old = _maybe(store, manifest.dossier)
            if old is not None and old.legal_hold:
                raise ArchiveConflict(f"dossier {old.display_code} is under legal hold: its documents stay",
                                      "a_held_stays", code=old.display_code)
        before, after = manifest.dossier, target.id if target else None
        if before == after:
            return []
        manifest.dossier = after
        return [revision(editor, "dossier", "dossier", before, after)]

    before = _visible(editor, doc_id).dossier
    manifest = change_document(editor, doc_id, "dossier", _may_edit, mutate)
    # The document's manifest (system of record) says where it belongs; the dossiers' lists follow it.
    if before and before != manifest.dossier:
        old = _maybe(store, before)
        if old is not None and doc_id in old.documents:
            old.documents.remove(doc_id)
            put_dossier(store, old)
    if target is not None and doc_id not in target.documents:
        target = get_dossier(store, target.id)
        target.documents.append(doc_id)
        put_dossier(store, target)
    return manifest


def _maybe(store, dossier_id: str):
    try:
        return get_dossier(store, dossier_id)
    except NotFound:
        return None


def set_access_level(editor: Editor, doc_id: str, level: str) -> Manifest:
    """Set a document's access level (mức độ tiếp cận): public, internal or restricted."""
    level = check_access_level(level)
    _visible(editor, doc_id)

    def mutate(manifest: Manifest) -> list[Revision]:
        before = manifest.access_level
        if before == level:
            return []
        manifest.access_level = level
        return [revision(editor, "access_level", "access_level", before, level)]

    return change_document(editor, doc_id, "access_level", _may_edit, mutate, reindex=False)
