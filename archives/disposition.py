"""Disposition: dossiers whose retention has run out are proposed for destruction by one administrator of the
agency and destroyed only when a second administrator of the same agency approves. Approval removes every object
of the dossier's documents from the store and the index, writes a destruction record (kept for good in
`archives/destructions/<id>.json`: what, when, who proposed, who approved, the sha256 of every destroyed object)
and leaves a tombstone in search. Nothing permanent, undecided or under legal hold is ever destroyed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from archives.access import can_dispose
from archives.dossiers import dossier_view, visible_dossier, visible_dossiers
from archives.model import PERMANENT, ArchiveConflict, Dossier, InvalidRecord, check_date, check_text
from archives.removal import document_objects, remove_document_objects
from archives.repository import get_dossier, put_dossier
from archives.tombstones import tombstone_doc
from changes.core import ChangeRefused, Editor
from documents.errors import NotFound, keyed
from documents.model import now_iso

PROPOSALS = "archives/disposition/"
RECORDS = "archives/destructions/"


def _new_id(prefix: str) -> str:
    return f"{prefix}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def due(editor: Editor, due_before: str | None = None, agency: str | None = None) -> list[dict[str, Any]]:
    """Dossiers the editor may see whose retention expires on or before `due_before` (default today), with
    their state: held ones are listed (they are due) but cannot be proposed."""
    limit = check_date(due_before, "due-before date") or date.today().isoformat()
    pending = _pending_dossiers(editor.backends.store)
    out = []
    for dossier in visible_dossiers(editor, agency=agency):
        if dossier.destroyed:
            continue
        view = dossier_view(editor.backends.store, dossier)
        if view["expires_on"] and view["expires_on"] <= limit:
            view["proposal"] = pending.get(dossier.id)
            out.append(view)
    return sorted(out, key=lambda v: (v["expires_on"], v["id"]))


def eligibility(store, dossier: Dossier, today: str | None = None) -> str | None:
    """Why this dossier cannot be destroyed now, or None when it can."""
    view = dossier_view(store, dossier)
    code = dossier.display_code
    if dossier.destroyed:
        return f"dossier {code} was already destroyed (record {dossier.destroyed.get('record')})"
    if dossier.legal_hold:
        return f"dossier {code} is under legal hold ({dossier.legal_hold.reason}); lift the hold first"
    if view["effective_retention"] == PERMANENT:
        return f"dossier {code} is kept permanently"
    if view["expires_on"] is None:
        return f"dossier {code} has no retention period or no end date; set them first"
    if view["expires_on"] > (today or date.today().isoformat()):
        return f"dossier {code} is kept until {view['expires_on']}"
    return None


@dataclass
class Proposal:
    """A proposal to destroy some dossiers of one agency, waiting for a second administrator."""

    id: str
    agency: str
    dossiers: list[str]
    proposed_by: str
    proposed_at: str
    reason: str
    status: str = "pending"  # pending, approved, rejected
    decided_by: str | None = None
    decided_at: str | None = None
    decision_note: str | None = None
    record: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(self.__dict__)


def _pending_dossiers(store) -> dict[str, str]:
    out = {}
    for p in _proposals(store):
        if p.status == "pending":
            for d in p.dossiers:
                out[d] = p.id
    return out


def _proposals(store) -> list[Proposal]:
    return [Proposal(**store.get_json(k)) for k in store.list(PROPOSALS) if k.endswith(".json")]


def list_proposals(editor: Editor, status: str | None = None) -> list[Proposal]:
    """Proposals of the editor's agency (every agency for the local administrator), newest first."""
    p = editor.principal
    found = [x for x in _proposals(editor.backends.store)
             if (p.all_agencies or x.agency == p.agency) and (status is None or x.status == status)]
    return sorted(found, key=lambda x: x.proposed_at, reverse=True)


def get_proposal(editor: Editor, proposal_id: str) -> Proposal:
    """One proposal of the editor's agency (NotFound otherwise)."""
    if not proposal_id or "/" in proposal_id or ".." in proposal_id:
        raise NotFound(f"no disposition proposal {proposal_id!r}")
    try:
        proposal = Proposal(**editor.backends.store.get_json(f"{PROPOSALS}{proposal_id}.json"))
    except (NotFound, ValueError):
        raise NotFound(f"no disposition proposal {proposal_id!r}") from None
    if not (editor.principal.all_agencies or proposal.agency == editor.principal.agency):
        raise NotFound(f"no disposition proposal {proposal_id!r}")
    return proposal


def propose(editor: Editor, codes: list[str], reason: str) -> Proposal:
    """An administrator proposes destroying these dossiers (all of their agency, all due, none held)."""
    if not codes:
        raise InvalidRecord("name at least one dossier to propose for destruction", "a_propose_none")
    reason = check_text(reason, "notes") or ""
    if not reason:
        raise InvalidRecord("a disposition proposal needs a reason (e.g. the appraisal council's minutes)",
                            "a_propose_reason")
    store = editor.backends.store
    dossiers = [visible_dossier(editor, c) for c in codes]
    agencies = {d.agency for d in dossiers}
    if len(agencies) != 1:
        raise InvalidRecord("a proposal covers dossiers of one agency; make one proposal per agency",
                            "a_propose_agency")
    agency = agencies.pop()
    if not can_dispose(editor.principal, agency):
        editor.audit("denied", ",".join(d.id for d in dossiers), agency, attempted="disposition.propose")
        raise ChangeRefused("only a named administrator of the owning agency proposes a disposition "
                            "(on the command line: --as USER)", "a_propose_role")
    pending = _pending_dossiers(store)
    for dossier in dossiers:
        problem = eligibility(store, dossier)
        if problem:
            raise ArchiveConflict(problem)
        if dossier.id in pending:
            raise ArchiveConflict(f"dossier {dossier.display_code} is already in proposal {pending[dossier.id]}",
                                  "a_already_proposed", code=dossier.display_code, proposal=pending[dossier.id])
    proposal = Proposal(id=_new_id("P"), agency=agency, dossiers=[d.id for d in dossiers],
                        proposed_by=editor.principal.user, proposed_at=now_iso(), reason=reason)
    store.put_json(f"{PROPOSALS}{proposal.id}.json", proposal.to_dict())
    editor.audit("disposition.propose", proposal.id, agency, dossiers=proposal.dossiers, reason=reason)
    return proposal


def _decide(editor: Editor, proposal_id: str, action: str) -> Proposal:
    proposal = get_proposal(editor, proposal_id)
    if not can_dispose(editor.principal, proposal.agency):
        editor.audit("denied", proposal.id, proposal.agency, attempted=f"disposition.{action}")
        raise ChangeRefused(f"only a named administrator of {proposal.agency} may {action} a disposition "
                            "(on the command line: --as USER)", "a_decide_role", agency=proposal.agency,
                            action=keyed(f"act_{action}"))
    if proposal.status != "pending":
        raise ArchiveConflict(f"proposal {proposal.id} is already {proposal.status}", "a_proposal_decided",
                              id=proposal.id, status=proposal.status)
    if proposal.proposed_by == editor.principal.user:
        editor.audit("denied", proposal.id, proposal.agency, attempted=f"disposition.{action}",
                     why="self-approval")
        raise ChangeRefused(f"you proposed {proposal.id}; a second administrator of {proposal.agency} must "
                            f"{action} it", "a_self_decide", id=proposal.id, agency=proposal.agency,
                            action=keyed(f"act_{action}"))
    return proposal


def reject(editor: Editor, proposal_id: str, note: str) -> Proposal:
    """A second administrator turns the proposal down; nothing is destroyed."""
    proposal = _decide(editor, proposal_id, "reject")
    proposal.status, proposal.decided_by, proposal.decided_at = "rejected", editor.principal.user, now_iso()
    proposal.decision_note = check_text(note, "notes")
    editor.backends.store.put_json(f"{PROPOSALS}{proposal.id}.json", proposal.to_dict())
    editor.audit("disposition.reject", proposal.id, proposal.agency, note=proposal.decision_note)
    return proposal


def approve(editor: Editor, proposal_id: str, note: str | None = None) -> dict[str, Any]:
    """A second administrator approves: every dossier is checked again (a hold placed since the proposal stops
    everything), then destroyed; returns the destruction record.

    The record is written before anything is removed and after each document, each document's objects with their
    sha256 listed before they are deleted; an approval interrupted half-way (a store outage) is finished by
    approving the same proposal again, and the record always accounts for every destroyed object."""
    store = editor.backends.store
    proposal = get_proposal(editor, proposal_id)
    record = _unfinished_record(store, proposal)
    if record is None:
        proposal = _decide(editor, proposal_id, "approve")
        dossiers = [get_dossier(store, d) for d in proposal.dossiers]
        for dossier in dossiers:
            problem = eligibility(store, dossier)
            if problem:
                editor.audit("denied", proposal.id, proposal.agency, attempted="disposition.approve", why=problem)
                raise ArchiveConflict(f"{problem}; nothing was destroyed")
        now = now_iso()
        record = {
            "id": _new_id("D"), "agency": proposal.agency, "proposal": proposal.id, "reason": proposal.reason,
            "proposed_by": proposal.proposed_by, "proposed_at": proposal.proposed_at,
            "approved_by": editor.principal.user, "approved_at": now, "note": check_text(note, "notes"),
            "state": "destroying", "dossiers": [_dossier_entry(store, d) for d in dossiers],
        }
        store.put_json(f"{RECORDS}{record['id']}.json", record)
        proposal.status, proposal.decided_by, proposal.decided_at = "approved", editor.principal.user, now
        proposal.decision_note, proposal.record = record["note"], record["id"]
        store.put_json(f"{PROPOSALS}{proposal.id}.json", proposal.to_dict())
    elif not can_dispose(editor.principal, proposal.agency) or editor.principal.user == proposal.proposed_by:
        raise ChangeRefused(f"only a second administrator of {proposal.agency} may finish this disposition",
                            "a_finish_role", agency=proposal.agency)
    for entry in record["dossiers"]:
        _destroy_dossier(editor, store, record, entry)
    record["state"] = "complete"
    record["destroyed_at"] = now_iso()
    record["object_count"] = sum(len(doc["objects"]) for d in record["dossiers"] for doc in d["documents"])
    store.put_json(f"{RECORDS}{record['id']}.json", record)
    editor.audit("disposition.approve", proposal.id, proposal.agency, record=record["id"],
                 dossiers=proposal.dossiers, objects=record["object_count"])
    return record


def _unfinished_record(store, proposal: Proposal) -> dict[str, Any] | None:
    """The destruction record of an approved proposal whose destruction did not finish, else None."""
    if proposal.status != "approved" or not proposal.record:
        return None
    try:
        record = store.get_json(f"{RECORDS}{proposal.record}.json")
    except NotFound:
        return None
    return record if record.get("state") == "destroying" else None


def _dossier_entry(store, dossier: Dossier) -> dict[str, Any]:
    """What the record says of a dossier, taken before anything of it is removed."""
    view = dossier_view(store, dossier)
    return {"id": dossier.id, "code": dossier.display_code, "title": dossier.title, "fonds": dossier.fonds,
            "retention": view["effective_retention"], "expires_on": view["expires_on"],
            "start_date": view["start_date"], "end_date": view["end_date"], "documents": []}


def _destroy_dossier(editor: Editor, store, record: dict[str, Any], entry: dict[str, Any]) -> None:
    """Destroy the dossier's documents not yet destroyed, keeping the record up to date, then mark the dossier."""
    from documents.model import Manifest, manifest_key

    dossier = get_dossier(store, entry["id"])
    done = {d["id"]: d for d in entry["documents"]}
    for doc_id in list(dossier.documents):
        doc = done.get(doc_id)
        if doc is None:
            try:
                manifest = Manifest.from_dict(store.get_json(manifest_key(doc_id)))
                about = {"title": manifest.metadata.title, "doc_number": manifest.metadata.doc_number,
                         "issued_date": manifest.metadata.issued_date, "original": manifest.original.filename,
                         "original_sha256": manifest.original.sha256}
            except NotFound:
                about = {}
            doc = {"id": doc_id, **about, "objects": [o.to_dict() for o in document_objects(editor.backends, doc_id)],
                   "removed": False}
            entry["documents"].append(doc)
            store.put_json(f"{RECORDS}{record['id']}.json", record)  # listed before deleted
        if doc["removed"]:
            continue
        listed = {o["key"] for o in doc["objects"]}
        removed = remove_document_objects(editor.backends, doc_id)
        doc["objects"] += [r.to_dict() for r in removed if r.key not in listed]  # written since it was listed
        doc["removed"] = True
        store.put_json(f"{RECORDS}{record['id']}.json", record)
        editor.audit("destroy", doc_id, dossier.agency, record=record["id"], dossier=dossier.id,
                     objects=len(doc["objects"]))
    if not dossier.destroyed:
        dossier.destroyed = {"record": record["id"], "at": now_iso()}
        put_dossier(store, dossier)
    editor.backends.index.upsert([tombstone_doc(dossier)])


def get_record(editor: Editor, record_id: str) -> dict[str, Any]:
    """A destruction record of the editor's agency (NotFound otherwise)."""
    if not record_id or "/" in record_id or ".." in record_id:
        raise NotFound(f"no destruction record {record_id!r}")
    try:
        record = editor.backends.store.get_json(f"{RECORDS}{record_id}.json")
    except (NotFound, ValueError):
        raise NotFound(f"no destruction record {record_id!r}") from None
    if not (editor.principal.all_agencies or record["agency"] == editor.principal.agency):
        raise NotFound(f"no destruction record {record_id!r}")
    return record


def list_records(editor: Editor) -> list[dict[str, Any]]:
    """Summaries of the destruction records of the editor's agency, newest first."""
    p = editor.principal
    out = []
    for key in editor.backends.store.list(RECORDS):
        record = editor.backends.store.get_json(key)
        if p.all_agencies or record["agency"] == p.agency:
            out.append({k: record.get(k) for k in ("id", "agency", "proposal", "proposed_by", "approved_by",
                                                    "approved_at", "object_count")}
                       | {"dossiers": [d["code"] for d in record["dossiers"]]})
    return sorted(out, key=lambda r: r["approved_at"] or "", reverse=True)
