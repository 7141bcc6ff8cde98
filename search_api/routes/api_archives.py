"""`/api/fonds`, `/api/dossiers`, `/api/disposition`, `/api/destructions`: the archival lifecycle over HTTP.

Every route acts through `archives/` with the caller's rights (the same functions as the command line); dossiers
the caller may not see answer 404 like missing ones; refusals of role are 403, actions that do not fit the
record's state (held, permanent, not yet due, self-approval) 409 or 403 with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from archives import disposition as disp
from archives.dossiers import create_dossier, dossier_view, edit_dossier, visible_dossier, visible_dossiers
from archives.fonds import add_fonds, visible_fonds
from archives.holds import lift_hold, set_hold
from archives.model import ArchiveConflict
from archives.placement import move_to_dossier, set_access_level
from changes.core import ChangeRefused, Editor
from documents.errors import NotFound
from search_api.auth import PrincipalDep
from search_api.docaccess import load_visible
from search_api.errors import ApiError, forbidden, not_found
from search_api.searching import parse_date
from search_api.state import ApiState, StateDep

router = APIRouter(prefix="/api", tags=["archives"])
Code = Path(..., max_length=100, description="dossier code")
DocId = Path(..., max_length=64, description="document id")


def editor(state: ApiState, request: Request, principal) -> Editor:
    """The caller as an archival editor."""
    client = request.client.host if request.client else None
    return Editor(backends=state.backends, catalog=state.catalog, principal=principal, client=client)


@contextmanager
def refusals(what: str = "dossier") -> Iterator[None]:
    """Map the archive's refusals to HTTP: not visible 404, role 403, state 409."""
    try:
        yield
    except NotFound:
        raise not_found(what) from None
    except ChangeRefused as exc:
        raise forbidden(exc.reason, key=exc.key, values=exc.params) from None
    except ArchiveConflict as exc:
        raise ApiError(409, "conflict", exc.reason, key=exc.key, values=exc.params) from None


class NewFonds(BaseModel):
    """A fonds of the caller's agency."""

    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=300)
    description: str | None = Field(None, max_length=2000)


class DossierFields(BaseModel):
    """The editable fields of a dossier (all optional on edit)."""

    title: str | None = Field(None, max_length=500)
    fonds: str | None = Field(None, max_length=64)
    retention: str | int | None = Field(None, description="'permanent' or years")
    access_level: str | None = Field(None, description="public, internal or restricted")
    language: str | None = Field(None, max_length=3)
    start_date: str | None = None
    end_date: str | None = None
    keywords: list[str] | None = Field(None, max_length=50)
    physical_condition: str | None = Field(None, max_length=300)
    paper_code: str | None = Field(None, max_length=100)
    notes: str | None = Field(None, max_length=2000)


class NewDossier(DossierFields):
    """A dossier of the caller's agency."""

    code: str = Field(..., max_length=64)
    title: str = Field(..., max_length=500)


class Reason(BaseModel):
    """Why (required for holds, proposals and rejections)."""

    reason: str = Field(..., max_length=2000)


class NewProposal(Reason):
    """Dossiers to propose for destruction."""

    dossiers: list[str] = Field(..., min_length=1, max_length=500)


class Note(BaseModel):
    """An optional note on a decision."""

    note: str | None = Field(None, max_length=2000)


class Placement(BaseModel):
    """The dossier a document belongs to (null: none)."""

    dossier: str | None = Field(None, max_length=100)


class AccessLevel(BaseModel):
    """A document's access level."""

    access_level: str = Field(..., description="public, internal or restricted")


@router.get("/fonds", summary="Fonds of your agency")
def fonds_list(request: Request, principal: PrincipalDep, state: StateDep) -> dict:
    """Every fonds of the caller's agency."""
    return {"fonds": [f.to_dict() for f in visible_fonds(editor(state, request, principal))]}


@router.post("/fonds", status_code=201, summary="Add a fonds (admins)")
def fonds_add(request: Request, principal: PrincipalDep, state: StateDep, new: NewFonds) -> dict:
    """A new fonds of the caller's agency."""
    with refusals("fonds"):
        return add_fonds(editor(state, request, principal), new.code, new.name, None, new.description).to_dict()


@router.get("/dossiers", summary="Dossiers you may see")
def dossiers_list(request: Request, principal: PrincipalDep, state: StateDep, fonds: str | None = Query(None),
                  agency: str | None = Query(None), q: str | None = Query(None, max_length=200)) -> dict:
    """Your agency's dossiers and public dossiers of other agencies (clerks: their agency's only); `q` keeps those
    whose code, title, keywords or paper code hold these words (marks and case ignored)."""
    ed = editor(state, request, principal)
    return {"dossiers": [dossier_view(state.backends.store, d) for d in visible_dossiers(ed, fonds, agency, q)]}


class RetentionRule(BaseModel):
    """One rule of the agency's retention schedule: a period for a document type, a dossier code (pattern) or
    the default; `period` null removes the rule."""

    period: str | int | None = Field(..., description="'permanent', years, or null")
    doc_type: str | None = None
    dossier: str | None = Field(None, max_length=100)
    default: bool = False


@router.get("/retention", summary="Your agency's retention schedule")
def retention_get(principal: PrincipalDep, state: StateDep) -> dict:
    """Periods by document type, by dossier code pattern, and the default."""
    from archives.retention import get_schedule

    if not principal.agency:
        raise forbidden("no agency", key="err_no_agency")
    return get_schedule(state.backends.store, principal.agency).to_dict()


@router.put("/retention", summary="Set one rule of your agency's retention schedule (admins)")
def retention_set(request: Request, principal: PrincipalDep, state: StateDep, rule: RetentionRule) -> dict:
    """Applied to dossiers created from now on and to dossiers without a retention of their own."""
    from archives.access import can_manage_archive
    from archives.retention import set_rule

    if not principal.agency or not can_manage_archive(principal, principal.agency):
        raise forbidden("only administrators change the retention schedule", key="err_admin_retention")
    schedule = set_rule(state.backends.store, principal.agency, doc_type=rule.doc_type, dossier=rule.dossier,
                        default=rule.default, period=rule.period)
    state.audit(request, principal, "retention.set", rule.doc_type or rule.dossier or "default", principal.agency,
                period=rule.period)
    return schedule.to_dict()


@router.post("/dossiers", status_code=201, summary="Create a dossier (officers, admins)")
def dossier_create(request: Request, principal: PrincipalDep, state: StateDep, new: NewDossier) -> dict:
    """A new, empty dossier of the caller's agency; its retention comes from the schedule unless given."""
    fields = new.model_dump(exclude={"code", "title"}, exclude_none=True)
    with refusals():
        dossier = create_dossier(editor(state, request, principal), new.code, new.title, None, **fields)
    return dossier_view(state.backends.store, dossier)


@router.get("/dossiers/{code}", summary="A dossier: the circular's fields, counts, retention, state")
def dossier_get(request: Request, principal: PrincipalDep, state: StateDep, code: str = Code) -> dict:
    """The dossier with counts and dates from its documents, effective retention and expiry."""
    with refusals():
        dossier = visible_dossier(editor(state, request, principal), code)
    return dossier_view(state.backends.store, dossier)


@router.patch("/dossiers/{code}", summary="Edit a dossier (officers, admins of its agency)")
def dossier_edit(request: Request, principal: PrincipalDep, state: StateDep, change: DossierFields,
                 code: str = Code) -> dict:
    """Change the fields given; audited with before and after."""
    with refusals():
        dossier = edit_dossier(editor(state, request, principal), code, change.model_dump(exclude_unset=True))
    return dossier_view(state.backends.store, dossier)


@router.post("/dossiers/{code}/hold", summary="Put a dossier under legal hold (admins)")
def dossier_hold(request: Request, principal: PrincipalDep, state: StateDep, body: Reason, code: str = Code) -> dict:
    """While held, the dossier cannot be proposed or destroyed."""
    with refusals():
        dossier = set_hold(editor(state, request, principal), code, body.reason)
    return dossier_view(state.backends.store, dossier)


@router.post("/dossiers/{code}/unhold", summary="Lift a dossier's legal hold (admins)")
def dossier_unhold(request: Request, principal: PrincipalDep, state: StateDep, body: Reason,
                   code: str = Code) -> dict:
    """The reason the hold may end is audited with who held it and why."""
    with refusals():
        dossier = lift_hold(editor(state, request, principal), code, body.reason)
    return dossier_view(state.backends.store, dossier)


@router.put("/documents/{doc_id}/dossier", summary="Move a document into a dossier (a revision of the document)")
def document_dossier(request: Request, principal: PrincipalDep, state: StateDep, body: Placement,
                     doc_id: str = DocId) -> dict:
    """Officers and admins of the owning agency; the dossier must be of the same agency."""
    load_visible(state, request, principal, doc_id)
    with refusals():
        manifest = move_to_dossier(editor(state, request, principal), doc_id, body.dossier or None)
    return {"id": manifest.id, "dossier": manifest.dossier}


@router.put("/documents/{doc_id}/access-level", summary="Set a document's access level (a revision)")
def document_access_level(request: Request, principal: PrincipalDep, state: StateDep, body: AccessLevel,
                          doc_id: str = DocId) -> dict:
    """public, internal or restricted."""
    load_visible(state, request, principal, doc_id)
    with refusals("document"):
        manifest = set_access_level(editor(state, request, principal), doc_id, body.access_level)
    return {"id": manifest.id, "access_level": manifest.access_level}


def _admin_only(principal) -> None:
    if principal.role != "admin":
        raise forbidden("only administrators take part in disposition", key="err_admin_disposition")


@router.get("/disposition", summary="Dossiers of your agency whose retention has expired (admins)")
def disposition_due(request: Request, principal: PrincipalDep, state: StateDep,
                    due_before: str | None = Query(None, description="yyyy-mm-dd; default today")) -> dict:
    """Expired dossiers, held ones included (marked), with any pending proposal."""
    _admin_only(principal)
    with refusals():
        items = disp.due(editor(state, request, principal), parse_date(due_before, "due_before"), principal.agency)
    return {"dossiers": items}


@router.get("/disposition/proposals", summary="Disposition proposals of your agency (admins)")
def proposals(request: Request, principal: PrincipalDep, state: StateDep,
              status: str | None = Query(None, pattern="^(pending|approved|rejected)$")) -> dict:
    """Newest first."""
    _admin_only(principal)
    return {"proposals": [p.to_dict() for p in disp.list_proposals(editor(state, request, principal), status)]}


@router.post("/disposition/proposals", status_code=201, summary="Propose destroying expired dossiers (admins)")
def propose(request: Request, principal: PrincipalDep, state: StateDep, body: NewProposal) -> dict:
    """A second administrator of the agency must approve."""
    _admin_only(principal)
    with refusals():
        return disp.propose(editor(state, request, principal), body.dossiers, body.reason).to_dict()


@router.post("/disposition/proposals/{proposal_id}/approve", summary="Approve a proposal: destroys its dossiers")
def approve(request: Request, principal: PrincipalDep, state: StateDep, body: Note,
            proposal_id: str = Path(..., max_length=64)) -> dict[str, Any]:
    """Only an administrator of the agency other than the proposer; returns the destruction record."""
    _admin_only(principal)
    with refusals("proposal"):
        return disp.approve(editor(state, request, principal), proposal_id, body.note)


@router.post("/disposition/proposals/{proposal_id}/reject", summary="Reject a proposal")
def reject(request: Request, principal: PrincipalDep, state: StateDep, body: Reason,
           proposal_id: str = Path(..., max_length=64)) -> dict:
    """Nothing is destroyed."""
    _admin_only(principal)
    with refusals("proposal"):
        return disp.reject(editor(state, request, principal), proposal_id, body.reason).to_dict()


@router.get("/destructions", summary="Destruction records of your agency (admins)")
def destructions(request: Request, principal: PrincipalDep, state: StateDep) -> dict:
    """Summaries, newest first."""
    _admin_only(principal)
    return {"records": disp.list_records(editor(state, request, principal))}


@router.get("/destructions/{record_id}", summary="One destruction record in full (admins)")
def destruction(request: Request, principal: PrincipalDep, state: StateDep,
                record_id: str = Path(..., max_length=64)) -> dict:
    """What was destroyed, when, who proposed and approved, and the sha256 of every destroyed object."""
    _admin_only(principal)
    with refusals("destruction record"):
        return disp.get_record(editor(state, request, principal), record_id)
