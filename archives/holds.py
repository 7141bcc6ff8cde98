"""Legal holds: a held dossier cannot be disposed of (nor its documents moved out) until the hold is lifted.
Who set or lifted it, when and why is kept in the audit log; the current hold is on the dossier record."""

from __future__ import annotations

from archives.access import can_manage_archive
from archives.dossiers import visible_dossier
from archives.model import ArchiveConflict, Dossier, InvalidRecord, LegalHold, check_text
from archives.repository import put_dossier
from changes.core import ChangeRefused, Editor
from documents.model import now_iso


def set_hold(editor: Editor, code: str, reason: str) -> Dossier:
    """Put a legal hold on a dossier (admins of its agency). The reason is required."""
    dossier = visible_dossier(editor, code)
    _check(editor, dossier, "hold")
    reason = check_text(reason, "notes") or ""
    if not reason:
        raise InvalidRecord("a legal hold needs a reason (e.g. the case or request that requires it)", "a_hold_reason")
    if dossier.destroyed:
        raise ArchiveConflict(f"dossier {dossier.display_code} was already destroyed", "a_destroyed",
                              code=dossier.display_code)
    if dossier.legal_hold:
        raise InvalidRecord(f"dossier {dossier.display_code} is already on hold since {dossier.legal_hold.at} "
                            f"({dossier.legal_hold.reason})", "a_already_held", code=dossier.display_code,
                            at=dossier.legal_hold.at[:10], reason=dossier.legal_hold.reason)
    dossier.legal_hold = LegalHold(by=editor.principal.user, at=now_iso(), reason=reason)
    put_dossier(editor.backends.store, dossier)
    editor.audit("dossier.hold", dossier.id, dossier.agency, reason=reason)
    return dossier


def lift_hold(editor: Editor, code: str, reason: str) -> Dossier:
    """Lift the legal hold (admins of its agency), with the reason it may end."""
    dossier = visible_dossier(editor, code)
    _check(editor, dossier, "unhold")
    reason = check_text(reason, "notes") or ""
    if not reason:
        raise InvalidRecord("say why the hold is lifted (e.g. the case is closed)", "a_lift_reason")
    if not dossier.legal_hold:
        raise InvalidRecord(f"dossier {dossier.display_code} is not on hold", "a_not_held", code=dossier.display_code)
    held = dossier.legal_hold
    dossier.legal_hold = None
    put_dossier(editor.backends.store, dossier)
    editor.audit("dossier.unhold", dossier.id, dossier.agency, reason=reason, held_by=held.by, held_since=held.at,
                 hold_reason=held.reason)
    return dossier


def _check(editor: Editor, dossier: Dossier, action: str) -> None:
    if not can_manage_archive(editor.principal, dossier.agency):
        editor.audit("denied", dossier.id, dossier.agency, attempted=f"dossier.{action}")
        raise ChangeRefused("only administrators of the owning agency set or lift legal holds", "a_hold_role")
