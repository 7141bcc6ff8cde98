"""The administrators' screens: the agency's users (create, disable, new token) and the audit log (filter by user,
action and date; export as CSV). The screens read through the catalog functions the JSON API uses; changes go
through the JSON API (`/api/users`, from static/admin.js), so the checks and the audit are those of the API."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from catalog import ROLES, list_audit, list_users
from catalog.audit import AuditEntry
from documents.access import can_manage_users, can_read_audit
from search_api.errors import ApiError
from search_api.i18n import translate
from search_api.routes.ui import _to_login, ui_user
from search_api.searching import parse_date
from search_api.state import StateDep
from search_api.timefmt import day_bounds_utc, local_iso
from search_api.ui_render import render, render_error, ui_lang

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100
CSV_LIMIT = 100_000


def _refusal(request: Request, user, allowed) -> Response | None:
    """The sign-in redirect or the 403 page when `user` may not open an admin screen; None when they may."""
    if user is None:
        return _to_login(request)
    if not allowed(user.principal):
        return render_error(request, 403, translate("admins_only", ui_lang(request)))
    return None


@router.get("/admin/users")
def users_page(request: Request, state: StateDep) -> Response:
    """The agency's users with their state; forms to add a user, disable one, or give one a new token."""
    user = ui_user(request, state)
    refused = _refusal(request, user, can_manage_users)
    if refused is not None:
        return refused
    return render(request, "admin_users.html", {"users": list_users(state.catalog, user.agency), "roles": ROLES},
                  user=user)


def _audit_filters(user: str, action: str, date_from: str, date_to: str, zone: ZoneInfo) -> dict:
    """The list_audit filters of the form's values (dates as yyyy-mm-dd or dd/mm/yyyy; 422 otherwise). The dates
    are the office's calendar days (`zone`), as the times on the page are, not UTC days."""
    return {"user": user.strip() or None, "action": action.strip() or None,
            "since": day_bounds_utc(parse_date(date_from or None, "from"), zone),
            "until": day_bounds_utc(parse_date(date_to or None, "to"), zone, end=True)}


@router.get("/admin/audit")
def audit_page(
    request: Request,
    state: StateDep,
    user: str = Query("", max_length=64),
    action: str = Query("", max_length=64),
    date_from: str = Query("", alias="from", max_length=20),
    date_to: str = Query("", alias="to", max_length=20),
    page: int = Query(1, ge=1, le=1000),
) -> Response:
    """The agency's audit log, newest first, filtered; a link exports the same selection as CSV."""
    me = ui_user(request, state)
    refused = _refusal(request, me, can_read_audit)
    if refused is not None:
        return refused
    current = {"user": user, "action": action, "from": date_from, "to": date_to}
    error, entries = None, []
    try:
        filters = _audit_filters(user, action, date_from, date_to, state.zone)
        entries = list_audit(state.catalog, agency=me.agency, limit=AUDIT_PAGE + 1,
                             offset=(page - 1) * AUDIT_PAGE, **filters)
        state.audit(request, me.principal, "audit.read", None, me.agency, filter_user=filters["user"],
                    filter_action=filters["action"], via="ui")
    except ApiError as exc:
        error = exc.message_in(ui_lang(request))
    query = urlencode({k: v for k, v in current.items() if v})
    return render(request, "admin_audit.html",
                  {"entries": entries[:AUDIT_PAGE], "more": len(entries) > AUDIT_PAGE, "page": page,
                   "current": current, "error": error, "query": query,
                   "users": [u.name for u in list_users(state.catalog, me.agency)]}, user=me)


@router.get("/admin/audit.csv")
def audit_csv(
    request: Request,
    state: StateDep,
    user: str = Query("", max_length=64),
    action: str = Query("", max_length=64),
    date_from: str = Query("", alias="from", max_length=20),
    date_to: str = Query("", alias="to", max_length=20),
) -> Response:
    """The filtered audit log as CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese correctly)."""
    me = ui_user(request, state)
    refused = _refusal(request, me, can_read_audit)
    if refused is not None:
        return refused
    try:
        filters = _audit_filters(user, action, date_from, date_to, state.zone)
    except ApiError as exc:
        return render_error(request, exc.status, exc.message, exc.key, exc.values)
    entries = list_audit(state.catalog, agency=me.agency, limit=CSV_LIMIT, offset=0, **filters)
    state.audit(request, me.principal, "audit.export", None, me.agency, filter_user=filters["user"],
                filter_action=filters["action"], rows=len(entries))
    return Response("\ufeff" + audit_csv_text(entries, state.zone), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


def audit_csv_text(entries: list[AuditEntry], zone: ZoneInfo) -> str:
    """CSV of audit entries: one row each, the details as JSON; the time as ISO 8601 in the office's zone with its
    offset (`2026-12-02T16:53:07+07:00`), so the file says which zone it is in and converts back to UTC exactly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "time", "user", "agency", "role", "action", "target", "target_agency", "client", "detail"])
    for e in entries:
        writer.writerow([e.id, local_iso(e.ts, zone), e.user, e.agency or "", e.role or "", e.action, e.target or "",
                         e.target_agency or "", e.client or "", json.dumps(e.detail, ensure_ascii=False)])
    return out.getvalue()
