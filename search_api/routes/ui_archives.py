"""Web UI screens of the archival lifecycle: the dossier list (with creation), a dossier's page (its fields, edit
form, legal hold, documents) and the disposition screen (due dossiers, proposals, approvals, destruction records).

Forms post with the page's CSRF token in a hidden field (checked here, as the API checks its header); every action
goes through the same `archives/` functions as the JSON API and the command line."""

from __future__ import annotations

import hmac
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from archives import disposition as disp
from archives.access import can_dispose, can_edit_dossier, can_manage_archive
from archives.dossiers import create_dossier, dossier_view, edit_dossier, visible_dossier, visible_dossiers
from archives.fonds import visible_fonds
from archives.holds import lift_hold, set_hold
from archives.model import ACCESS_LEVELS, EDITABLE
from archives.repository import dossier_manifests
from search_api.auth import COOKIE, csrf_token
from search_api.errors import ApiError
from search_api.routes.api_archives import editor, refusals
from search_api.routes.ui import _to_login, ui_user
from search_api.state import StateDep
from search_api.ui_render import render

router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> dict[str, str]:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    token = request.cookies.get(COOKIE) or ""
    if not token or not hmac.compare_digest(str(form.get("csrf", "")), csrf_token(token)):
        raise ApiError(403, "csrf", "this form is stale or came from another site; reload the page and retry",
                       key="err_csrf")
    return {k: str(v) for k, v in form.items() if k != "csrf"}


def _back(path: str, note: str = "") -> RedirectResponse:
    return RedirectResponse(path + (f"?done={quote(note)}" if note else ""), status_code=303)


@router.get("/dossiers")
def dossiers_page(request: Request, state: StateDep, fonds: str = "", q: str = "") -> Response:
    """Dossiers the user may see, and a form to create one (officers and admins)."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    ed = editor(state, request, user.principal)
    views = [dossier_view(state.backends.store, d) for d in visible_dossiers(ed, fonds or None, None, q[:200])]
    return render(request, "dossiers.html", {
        "dossiers": views, "fonds": visible_fonds(ed), "fonds_filter": fonds, "q": q,
        "may_create": can_edit_dossier(user.principal, user.agency), "levels": ACCESS_LEVELS}, user=user)


@router.post("/dossiers")
async def dossiers_create(request: Request, state: StateDep) -> Response:
    """Create a dossier from the form."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    form = await _form(request)
    fields = {k: v for k, v in form.items() if k in EDITABLE and k != "title" and v.strip()}
    with refusals():
        dossier = create_dossier(editor(state, request, user.principal), form.get("code", ""), form.get("title", ""),
                                 None, **fields)
    return _back(f"/dossiers/{quote(dossier.display_code)}", "created")


@router.get("/dossiers/{code}")
def dossier_page(request: Request, state: StateDep, code: str, done: str = "") -> Response:
    """One dossier: fields, documents, edit form, legal hold."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    ed = editor(state, request, user.principal)
    with refusals():
        dossier = visible_dossier(ed, code)
    from documents.access import can_view

    docs = [m for m in dossier_manifests(state.backends.store, dossier) if can_view(user.principal, m)]
    return render(request, "dossier.html", {
        "d": dossier_view(state.backends.store, dossier), "raw": dossier, "docs": docs, "done": done,
        "levels": ACCESS_LEVELS,
        "may_edit": can_edit_dossier(user.principal, dossier.agency) and not dossier.destroyed,
        "may_hold": can_manage_archive(user.principal, dossier.agency) and not dossier.destroyed}, user=user)


@router.post("/dossiers/{code}")
async def dossier_save(request: Request, state: StateDep, code: str) -> Response:
    """Save the edit form (empty optional fields clear them)."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    form = await _form(request)
    changes = {k: (v if v.strip() else None) for k, v in form.items() if k in EDITABLE}
    with refusals():
        dossier = edit_dossier(editor(state, request, user.principal), code, changes)
    return _back(f"/dossiers/{quote(dossier.display_code)}", "saved")


@router.post("/dossiers/{code}/{action}")
async def dossier_hold(request: Request, state: StateDep, code: str, action: str) -> Response:
    """Set (`hold`) or lift (`unhold`) a legal hold."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    if action not in ("hold", "unhold"):
        raise ApiError(404, "not_found", "no such page", key="err_no_page")
    form = await _form(request)
    fn = set_hold if action == "hold" else lift_hold
    with refusals():
        dossier = fn(editor(state, request, user.principal), code, form.get("reason", ""))
    return _back(f"/dossiers/{quote(dossier.display_code)}", action)


@router.get("/disposition")
def disposition_page(request: Request, state: StateDep, due_before: str = "", done: str = "") -> Response:
    """Administrators: expired dossiers, proposals waiting for a second administrator, destruction records."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    if not can_dispose(user.principal, user.agency):
        raise ApiError(403, "forbidden", "only administrators take part in disposition", key="err_admin_disposition")
    ed = editor(state, request, user.principal)
    from search_api.searching import parse_date

    due = disp.due(ed, parse_date(due_before, "due_before"), user.agency)
    return render(request, "disposition.html", {
        "due": due, "due_before": due_before, "done": done, "pending": disp.list_proposals(ed, "pending"),
        "decided": [p for p in disp.list_proposals(ed) if p.status != "pending"][:20],
        "records": disp.list_records(ed)}, user=user)


@router.post("/disposition/propose")
async def disposition_propose(request: Request, state: StateDep) -> Response:
    """Propose the ticked dossiers."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    form = await request.form()
    codes = [str(v) for v in form.getlist("dossier")]
    fields = await _form(request)
    with refusals():
        proposal = disp.propose(editor(state, request, user.principal), codes, fields.get("reason", ""))
    return _back("/disposition", proposal.id)


@router.post("/disposition/{proposal_id}/{decision}")
async def disposition_decide(request: Request, state: StateDep, proposal_id: str, decision: str) -> Response:
    """Approve (destroys) or reject a proposal."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    if decision not in ("approve", "reject"):
        raise ApiError(404, "not_found", "no such page", key="err_no_page")
    form = await _form(request)
    ed = editor(state, request, user.principal)
    with refusals("proposal"):
        if decision == "approve":
            record = disp.approve(ed, proposal_id, form.get("note") or None)
            return _back("/disposition", record["id"])
        disp.reject(ed, proposal_id, form.get("note", ""))
    return _back("/disposition", "rejected")
