"""Saved searches: `/api/saved-searches` (list with new-match counts, save, delete) and the start page `/`, which
lists the user's saved searches with how many matching documents were added since they last opened each one;
`/saved/{id}` opens one (and starts counting anew)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from catalog.saved import InvalidSavedSearch, SavedSearch, delete_saved, list_saved, mark_seen, save_search
from documents.access import Principal
from documents.errors import NotFound
from search_api.auth import PrincipalDep
from search_api.errors import ApiError, not_found
from search_api.routes.ui import _to_login, ui_user
from search_api.searching import count_added_since, params_from_query
from search_api.state import ApiState, StateDep
from search_api.ui_render import render

router = APIRouter()


class NewSavedSearch(BaseModel):
    """A search to keep: its name and the search page's query string."""

    name: str = Field(..., max_length=120)
    query: str = Field("", max_length=4000, description="the search page's query string, e.g. q=dat&type=decision")


def _view(state: ApiState, principal: Principal, saved: SavedSearch) -> dict:
    return {"id": saved.id, "name": saved.name, "query": saved.query, "created_at": saved.created_at,
            "seen_at": saved.seen_at,
            "new": count_added_since(state, principal, params_from_query(saved.query), saved.seen_at)}


@router.get("/api/saved-searches", tags=["saved searches"], summary="Your saved searches with their new matches")
def saved_list(principal: PrincipalDep, state: StateDep) -> dict:
    """Each with `new`: matching documents you may see that were added since you last opened it."""
    return {"saved": [_view(state, principal, s) for s in list_saved(state.catalog, principal.user)]}


@router.post("/api/saved-searches", status_code=201, tags=["saved searches"], summary="Save a search")
def saved_create(request: Request, principal: PrincipalDep, state: StateDep, new: NewSavedSearch) -> dict:
    """Saving under an existing name replaces that search. The query is checked like a search (422 if invalid)."""
    params = params_from_query(new.query.lstrip("?"))
    count_added_since(state, principal, params, "2000-01-01T00:00:00+00:00")  # validates dates, sizes
    try:
        saved = save_search(state.catalog, principal.user, new.name, new.query.lstrip("?"))
    except InvalidSavedSearch as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    state.audit(request, principal, "saved.add", None, principal.agency, name=saved.name)
    return _view(state, principal, saved)


@router.delete("/api/saved-searches/{saved_id}", tags=["saved searches"], summary="Delete a saved search")
def saved_delete(request: Request, principal: PrincipalDep, state: StateDep, saved_id: int) -> dict:
    """Only your own saved searches."""
    try:
        delete_saved(state.catalog, principal.user, saved_id)
    except NotFound:
        raise not_found("saved search") from None
    state.audit(request, principal, "saved.delete", None, principal.agency, id=saved_id)
    return {"id": saved_id, "deleted": True}


@router.get("/", include_in_schema=False)
def start_page(request: Request, state: StateDep) -> Response:
    """The start page: a search box and the user's saved searches with their new matches."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    saved = [_view(state, user.principal, s) for s in list_saved(state.catalog, user.name)]
    return render(request, "start.html", {"saved": saved}, user=user)


@router.get("/saved/{saved_id}", include_in_schema=False)
def open_saved(request: Request, state: StateDep, saved_id: int) -> Response:
    """Open a saved search: run it on the search page; its new matches count from now on."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    try:
        saved = mark_seen(state.catalog, user.name, saved_id)
    except NotFound:
        raise not_found("saved search") from None
    return RedirectResponse("/search?" + saved.query, status_code=303)
