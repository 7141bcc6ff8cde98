"""`/api/me`, `/api/users` (admins manage their agency's users) and `/api/audit` (admins read their agency's log).

The audit log has no write, edit or delete endpoint: entries are appended by the server only."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from catalog import ROLES, add_user, disable_user, get_user, list_audit, list_users, rotate_token
from documents.access import can_manage_users, can_read_audit
from documents.errors import NotFound
from search_api.auth import PrincipalDep, UserDep
from search_api.errors import ApiError, forbidden, not_found
from search_api.searching import parse_date
from search_api.state import StateDep

router = APIRouter(prefix="/api", tags=["users and audit"])


@router.get("/me", summary="Who you are")
def me(user: UserDep) -> dict:
    """Your user name, agency and role."""
    return {"name": user.name, "agency": user.agency, "role": user.role}


class NewUser(BaseModel):
    """A user to create in the admin's own agency."""

    name: str = Field(..., max_length=64)
    role: str = Field(..., description="clerk, officer or admin")


@router.get("/users", summary="Your agency's users (admins)")
def users(principal: PrincipalDep, state: StateDep) -> dict:
    """Users of the admin's agency (never their tokens)."""
    if not can_manage_users(principal):
        raise forbidden("only administrators manage users", key="admins_only")
    return {"users": [u.to_dict() for u in list_users(state.catalog, principal.agency)]}


@router.post("/users", status_code=201, summary="Create a user in your agency (admins); the token is shown once")
def create_user(request: Request, principal: PrincipalDep, state: StateDep, new: NewUser) -> dict:
    """Returns the new user's API token; it is stored only as a hash and cannot be shown again."""
    if not can_manage_users(principal):
        raise forbidden("only administrators manage users", key="admins_only")
    if new.role not in ROLES:
        raise ApiError(422, "invalid", f"role must be one of {', '.join(ROLES)}", key="err_role",
                       values={"known": ", ".join(ROLES)})
    user, token = add_user(state.catalog, new.name, principal.agency or "", new.role, created_by=principal.user)
    state.audit(request, principal, "user.add", user.name, principal.agency, role_given=user.role)
    return {**user.to_dict(), "token": token}


def _own_user(state, principal, name: str):
    """A user of the admin's own agency (403 for non-admins; 404 for unknown users and other agencies')."""
    if not can_manage_users(principal):
        raise forbidden("only administrators manage users", key="admins_only")
    try:
        user = get_user(state.catalog, name)
    except NotFound:
        raise not_found("user") from None
    if user.agency != principal.agency:
        raise not_found("user")
    return user


@router.delete("/users/{name}", summary="Disable a user of your agency (admins)")
def remove_user(request: Request, principal: PrincipalDep, state: StateDep, name: str) -> dict:
    """The user's token stops working at once; the user and its audit history stay."""
    user = _own_user(state, principal, name)
    if user.name == principal.user:
        raise ApiError(422, "invalid", "you cannot disable yourself; ask another administrator",
                       key="err_disable_self")
    disable_user(state.catalog, name)
    state.audit(request, principal, "user.disable", name, principal.agency)
    return {"name": name, "disabled": True}


@router.post("/users/{name}/token", summary="Give a user of your agency a new token (admins); shown once")
def new_token(request: Request, principal: PrincipalDep, state: StateDep, name: str) -> dict:
    """The old token stops working at once; the new one is stored only as a hash and cannot be shown again."""
    _own_user(state, principal, name)
    token = rotate_token(state.catalog, name)
    state.audit(request, principal, "user.token", name, principal.agency)
    return {"name": name, "token": token}


@router.get("/audit", summary="The audit log of your agency (admins)")
def audit(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    user: str | None = Query(None),
    action: str | None = Query(None),
    target: str | None = Query(None),
    since: str | None = Query(None, description="yyyy-mm-dd or timestamp"),
    until: str | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> dict:
    """Entries made by your agency's users or on your agency's documents, newest first. Read-only."""
    if not can_read_audit(principal):
        raise forbidden("only administrators read the audit log", key="admins_only")
    since = parse_date(since, "since") if since and len(since) <= 10 else since
    until = parse_date(until, "until") if until and len(until) <= 10 else until
    entries = list_audit(
        state.catalog,
        user=user,
        action=action,
        target=target,
        since=since,
        until=until,
        agency=principal.agency,
        limit=limit,
        offset=offset,
    )
    state.audit(request, principal, "audit.read", None, principal.agency, filter_user=user, filter_action=action)
    return {"entries": [e.to_dict() for e in entries], "offset": offset, "limit": limit}
