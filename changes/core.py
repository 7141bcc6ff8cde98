"""The one path every change to a document takes: load the manifest, check the caller may make it, apply it,
record revisions, save the manifest (the system of record) first, then update the index, then audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from catalog import Catalog, append_audit
from changes import marks
from documents.access import Principal
from documents.errors import RecordsError, keyed
from documents.model import Manifest, PageSummary, Revision, now_iso
from workers.backends import Backends
from workers.pipeline import index_document, load_manifest, save_manifest

AUDIT_TEXT = 300  # characters of a before/after value kept in the audit entry


class ChangeRefused(RecordsError):
    """The caller may not make this change, or the change is not valid (the message says which and why)."""


class ChangeForbidden(ChangeRefused):
    """The caller's role or agency may not make this change (the API answers 403)."""


@dataclass
class Editor:
    """Who is changing what, with the backends and catalog to do it: built once per request or command."""

    backends: Backends
    catalog: Catalog
    principal: Principal
    client: str | None = None  # client address (API) or "cli"

    def audit(self, action: str, target: str | None, target_agency: str | None, **detail: Any) -> None:
        """Append an audit entry for this editor."""
        p = self.principal
        append_audit(self.catalog, user=p.user, agency=p.agency, role=p.role, action=action, target=target,
                     target_agency=target_agency, client=self.client,
                     detail={k: v for k, v in detail.items() if v not in (None, "", [], {})})


def check_editable(manifest: Manifest) -> None:
    """Refuse changes to a document in the trash, not processed yet, or split/merged into new ones."""
    if manifest.trashed is not None:
        raise ChangeRefused(f"document {manifest.id} is in the trash: restore it first", "c_in_trash", id=manifest.id)
    if manifest.status != "processed":
        raise ChangeRefused(f"document {manifest.id} is {manifest.status}: it can be changed once it is processed",
                            "c_not_processed", id=manifest.id, status=keyed(f"st_{manifest.status}"))
    if manifest.superseded_by:
        raise ChangeRefused(f"document {manifest.id} was already split or merged into "
                            f"{', '.join(manifest.superseded_by)}: change those instead", "c_superseded",
                            id=manifest.id, into=", ".join(manifest.superseded_by))


def editable_page(manifest: Manifest, number: int) -> PageSummary:
    """Page `number` of a document that may be changed (see `check_editable`)."""
    check_editable(manifest)
    page = next((p for p in manifest.pages if p.number == number), None)
    if page is None:
        raise ChangeRefused(f"page {number} does not exist: this document has {len(manifest.pages)} pages",
                            "err_page_missing", page=number, pages=len(manifest.pages))
    return page


def revision(editor: Editor, action: str, field: str | None = None, before: Any = None, after: Any = None,
             page: int | None = None) -> Revision:
    """A revision stamped with the editor's user and the current time."""
    return Revision(at=now_iso(), user=editor.principal.user, action=action, field=field, before=before,
                    after=after, page=page)


def change_document(editor: Editor, doc_id: str, action: str,
                    allowed: Callable[[Principal, Manifest], bool],
                    mutate: Callable[[Manifest], list[Revision]], *, reindex: bool = True) -> Manifest:
    """Apply one change to `doc_id` for `editor`.

    `allowed(principal, manifest)` decides access (refused: `ChangeRefused`; unknown or invisible documents raise
    `NotFound` from the caller's own visibility check). `mutate` changes the manifest in place and returns the
    revisions it made (raising `ChangeRefused` for a bad value); they are appended to the manifest, which is
    saved before the index is updated, so a crash between the two is mended by `records reindex`.
    """
    manifest = load_manifest(editor.backends, doc_id)
    if not allowed(editor.principal, manifest):
        editor.audit("denied", doc_id, manifest.agency, attempted=action)
        raise ChangeForbidden(f"your role may not {action.replace('_', ' ')} this document", "c_role_may_not",
                              action=action.replace("_", " "))
    revisions = mutate(manifest)
    if not revisions:  # nothing changed (the same value again): nothing to save or reindex
        editor.audit(action, doc_id, manifest.agency, unchanged=True)
        return manifest
    manifest.revisions.extend(revisions)
    save_manifest(editor.backends, manifest)
    marks.sync(editor.backends.store, manifest)
    if reindex and manifest.status == "processed":
        if manifest.trashed is None and not manifest.superseded_by:
            index_document(editor.backends, manifest)
        else:
            editor.backends.index.delete([manifest.id])
    editor.audit(action, doc_id, manifest.agency,
                 changes=[{"field": r.field, "page": r.page, "before": _brief(r.before), "after": _brief(r.after)}
                          for r in revisions])
    return manifest


def _brief(value: Any) -> Any:
    """A value as the audit log keeps it: long texts (a page's text) cut, the manifest keeps them whole."""
    if isinstance(value, str) and len(value) > AUDIT_TEXT:
        return value[:AUDIT_TEXT] + f"… ({len(value)} characters)"
    return value
