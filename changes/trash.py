"""Delete (to the agency's trash), restore, purge. A trashed document leaves search at once and is restorable
until its `purge_after` date (settings: `RECORDS_TRASH_DAYS`, default 30); purging removes its stored objects and
index entry, and the audit log keeps a tombstone (id, title, agency, file, hash, who trashed it and when)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from changes import marks
from changes.core import ChangeForbidden, ChangeRefused, Editor, change_document, revision
from changes.rules import can_delete
from documents.errors import NotFound
from documents.model import Manifest, Revision, Trashed, manifest_key, now_iso
from workers.pipeline import load_manifest

DEFAULT_TRASH_DAYS = 30


def trash_days() -> int:
    """How long a trashed document stays restorable (`RECORDS_TRASH_DAYS`)."""
    raw = os.environ.get("RECORDS_TRASH_DAYS")
    try:
        days = int(raw) if raw not in (None, "") else DEFAULT_TRASH_DAYS
    except ValueError:
        raise ChangeRefused(f"RECORDS_TRASH_DAYS={raw!r} is not a whole number of days") from None
    if days < 0:
        raise ChangeRefused("RECORDS_TRASH_DAYS cannot be negative")
    return days


def delete_document(editor: Editor, doc_id: str, days: int | None = None) -> Manifest:
    """Move `doc_id` to its agency's trash (admins of the owning agency)."""
    keep = trash_days() if days is None else days

    def mutate(manifest: Manifest) -> list[Revision]:
        if manifest.trashed is not None:
            raise ChangeRefused(f"this document is already in the trash (until {manifest.trashed.purge_after})",
                                "c_already_trashed", until=manifest.trashed.purge_after[:10])
        at = datetime.now(UTC).replace(microsecond=0)
        manifest.trashed = Trashed(at=at.isoformat(), by=editor.principal.user,
                                   purge_after=(at + timedelta(days=keep)).isoformat())
        return [revision(editor, "delete", after=manifest.trashed.purge_after)]

    manifest = change_document(editor, doc_id, "delete", can_delete, mutate, reindex=False)
    editor.backends.index.delete([doc_id])  # whatever its status: nothing in the trash is searchable
    return manifest


def restore_document(editor: Editor, doc_id: str) -> Manifest:
    """Bring `doc_id` back from the trash; search finds it again at once."""

    def mutate(manifest: Manifest) -> list[Revision]:
        if manifest.trashed is None:
            raise ChangeRefused("this document is not in the trash", "c_not_in_trash")
        before = manifest.trashed.at
        manifest.trashed = None
        return [revision(editor, "restore", before=before)]

    return change_document(editor, doc_id, "restore", can_delete, mutate)


def purge_document(editor: Editor, doc_id: str, *, force: bool = False) -> dict:
    """Remove a trashed document for good: every stored object, the index entry; the audit keeps a tombstone.
    Before its `purge_after` date only with `force`."""
    manifest = load_manifest(editor.backends, doc_id)
    if not can_delete(editor.principal, manifest):
        editor.audit("denied", doc_id, manifest.agency, attempted="purge")
        raise ChangeForbidden("your role may not purge this document", "c_role_purge")
    if manifest.trashed is None:
        raise ChangeRefused("only documents in the trash can be purged: delete it first", "c_purge_not_trashed")
    if not force and manifest.trashed.purge_after > now_iso():
        raise ChangeRefused(f"this document stays restorable until {manifest.trashed.purge_after}; "
                            "purge it earlier with --force", "c_purge_not_yet", until=manifest.trashed.purge_after[:10])
    return _purge(editor, manifest)


def _still_used_by(editor: Editor, manifest: Manifest) -> list[str]:
    """Documents split or merged from this one that still exist: they point to its original file."""
    store = editor.backends.store
    return [d for d in manifest.superseded_by if store.exists(manifest_key(d))]


def _held(editor: Editor, manifest: Manifest) -> str | None:
    """Why the document's dossier keeps it from being destroyed (a legal hold), or None."""
    if not manifest.dossier:
        return None
    from archives.repository import get_dossier

    try:
        dossier = get_dossier(editor.backends.store, manifest.dossier)
    except NotFound:
        return None
    if dossier.legal_hold:
        return f"its dossier {dossier.display_code} is under legal hold ({dossier.legal_hold.reason})"
    return None


def _purge(editor: Editor, manifest: Manifest) -> dict:
    store = editor.backends.store
    users = _still_used_by(editor, manifest)
    if users:
        raise ChangeRefused(f"documents {', '.join(users)} were made from this one and point to its original file: "
                            "purge them first", "c_purge_used", docs=", ".join(users))
    held = _held(editor, manifest)
    if held:
        raise ChangeRefused(f"this document cannot be purged: {held}; it stays in the trash until the hold is lifted",
                            "c_purge_held", held=held)
    tombstone = {"title": manifest.metadata.title, "file": manifest.original.filename,
                 "sha256": manifest.original.sha256, "trashed_at": manifest.trashed.at if manifest.trashed else None,
                 "trashed_by": manifest.trashed.by if manifest.trashed else None, "pages": len(manifest.pages)}
    editor.backends.index.delete([manifest.id])
    marks.drop(store, manifest)
    keys = list(store.list(f"documents/{manifest.id}/"))
    manifest_last = sorted(keys, key=lambda k: k.endswith("/manifest.json"))  # the record goes last
    for key in manifest_last:
        store.delete(key)
    editor.audit("purge", manifest.id, manifest.agency, tombstone=tombstone, objects=len(keys))
    return {"id": manifest.id, "agency": manifest.agency, "objects": len(keys), "tombstone": tombstone}


def purge_expired(editor: Editor, agency: str | None = None) -> list[dict]:
    """Purge every trashed document whose restore period is over (of `agency`, or every agency the editor
    may purge)."""
    done = []
    stamp = now_iso()
    for doc_id in list(marks.marked(editor.backends.store, marks.TRASH, agency)):
        try:
            manifest = load_manifest(editor.backends, doc_id)
        except NotFound:
            continue
        if manifest.trashed is None or manifest.trashed.purge_after > stamp:
            continue
        if (agency and manifest.agency != agency) or not can_delete(editor.principal, manifest):
            continue
        if _still_used_by(editor, manifest) or _held(editor, manifest):
            continue  # purged once the documents made from it are, or once the hold is lifted
        done.append(_purge(editor, manifest))
    return done


def trash_list(editor: Editor, agency: str | None = None) -> list[dict]:
    """Documents in the trash that the editor may restore (of `agency`, or every one)."""
    out = []
    for doc_id in list(marks.marked(editor.backends.store, marks.TRASH, agency)):
        try:
            manifest = load_manifest(editor.backends, doc_id)
        except NotFound:
            continue
        if manifest.trashed is None or not can_delete(editor.principal, manifest):
            continue
        if agency and manifest.agency != agency:
            continue
        out.append({"id": manifest.id, "title": manifest.metadata.title, "agency": manifest.agency,
                    "file": manifest.original.filename, "trashed_at": manifest.trashed.at,
                    "trashed_by": manifest.trashed.by, "purge_after": manifest.trashed.purge_after})
    return sorted(out, key=lambda d: d["trashed_at"], reverse=True)
