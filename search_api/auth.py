"""Who is calling: `Authorization: Bearer TOKEN`, or the web UI's session cookie (which holds the same token).

Requests authenticated by cookie that change something must also carry the page's CSRF token, so another site
cannot make a signed-in browser act.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request

from catalog import authenticate
from catalog.users import User
from documents.access import Principal
from search_api.errors import ApiError, unauthorized
from search_api.state import StateDep

COOKIE = "records_token"
CSRF_HEADER = "x-csrf-token"
_SAFE = ("GET", "HEAD", "OPTIONS")


def csrf_token(token: str) -> str:
    """The CSRF token bound to a session token (derived, so the server keeps no session table)."""
    return hmac.new(token.encode(), b"records-csrf", hashlib.sha256).hexdigest()[:32]


def request_token(request: Request) -> tuple[str | None, bool]:
    """(token, came_from_cookie) of the request."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        return (value.strip() if scheme.lower() == "bearer" else None), False
    cookie = request.cookies.get(COOKIE)
    return (cookie, True) if cookie else (None, False)


def current_user(request: Request, state: StateDep) -> User:
    """The authenticated user, or 401 (no token, malformed header, unknown, rotated or disabled token)."""
    token, from_cookie = request_token(request)
    if token is None:
        if request.headers.get("authorization"):
            raise unauthorized("the Authorization header must be 'Bearer TOKEN'")
        raise unauthorized()
    user = authenticate(state.catalog, token)
    if user is None:
        raise unauthorized("this API token is not valid (mistyped, rotated or its user disabled); "
                           "ask an administrator for a new one")
    if from_cookie and request.method not in _SAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(token)):
            raise ApiError(403, "csrf", "this form is stale or came from another site; reload the page and retry",
                       key="err_csrf")
    request.state.user = user
    return user


UserDep = Annotated[User, Depends(current_user)]


def current_principal(user: UserDep) -> Principal:
    """The rights of the authenticated user (FastAPI dependency)."""
    return user.principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
