"""The review queue: pages with open quality flags, of the caller's agency, worst first; and accepting a flag.

A flag is resolved by replacing the page (`replaced`), correcting its text (`corrected`) or accepting it as it is
(`accepted`); each is a revision of the manifest and an audit entry."""

from __future__ import annotations

from changes import marks
from changes.core import ChangeForbidden, ChangeRefused, Editor, change_document, editable_page
from changes.rules import can_edit, can_review
from changes.text import resolve_open
from documents.access import Principal
from documents.errors import NotFound
from documents.model import FLAG_KINDS, Manifest, Revision
from workers.pipeline import load_manifest


def _severity(flags, confidence: float | None) -> tuple:
    rescans = sum(1 for f in flags if f.kind == "rescan")
    # worst first: more rescan reasons, more reasons, lower OCR confidence
    return (-rescans, -len(flags), confidence if confidence is not None else 100.0)


def review_queue(backends, principal: Principal, agency: str | None = None, reason: str | None = None,
                 kind: str | None = None, limit: int = 500) -> list[dict]:
    """Open flags, one entry per page, worst first. Clerks, officers and admins see their own agency's; the local
    administrator every agency's (or `agency`'s)."""
    if not can_review(principal, agency):
        raise ChangeForbidden("you may only review your own agency's documents", "c_review_own")
    if kind is not None and kind not in FLAG_KINDS:
        raise ChangeRefused(f"kind must be one of {', '.join(FLAG_KINDS)}")
    wanted = agency or (None if principal.all_agencies else principal.agency)
    rows = []
    for doc_id in list(marks.marked(backends.store, marks.REVIEW, wanted)):
        try:
            manifest = load_manifest(backends, doc_id)
        except NotFound:
            continue
        if manifest.trashed is not None or (wanted and manifest.agency != wanted):
            continue
        for page in manifest.pages:
            flags = [f for f in page.flags if f.resolution is None and (reason is None or f.reason == reason)
                     and (kind is None or f.kind == kind)]
            if not flags:
                continue
            rows.append({"id": manifest.id, "title": manifest.metadata.title, "agency": manifest.agency,
                         "file": manifest.original.filename, "batch": manifest.batch, "page": page.number,
                         "pages": len(manifest.pages), "confidence": page.confidence,
                         "flags": [{"kind": f.kind, "reason": f.reason, "detail": f.detail} for f in flags],
                         "thumbnail": f"/api/documents/{manifest.id}/pages/{page.number}/thumbnail",
                         "_order": _severity(flags, page.confidence)})
    rows.sort(key=lambda r: (r["_order"], r["id"], r["page"]))
    for row in rows:
        row.pop("_order")
    return rows[:limit]


def accept_flags(editor: Editor, doc_id: str, page: int, reason: str | None = None) -> Manifest:
    """Accept page `page` as it is: its open flags (or only `reason`'s) are resolved `accepted`."""

    def mutate(manifest: Manifest) -> list[Revision]:
        editable_page(manifest, page)
        made = resolve_open(editor, manifest, page, None, "accepted", reason)
        if not made:
            raise ChangeRefused(f"page {page} has no open flag{' ' + reason if reason else ''} to accept",
                                "c_no_open_flag", page=page, flag=f" {reason}" if reason else "")
        return made

    return change_document(editor, doc_id, "resolve_flag", can_edit, mutate, reindex=False)
