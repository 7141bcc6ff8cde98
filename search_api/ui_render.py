"""Rendering the web UI's Jinja2 templates with the caller's language, user and CSRF token."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from search_api.i18n import (
    doc_label,
    format_date,
    html_lang,
    pick_lang,
    reason_in,
    text_dir,
    translate,
    translate_message,
)
from search_api.timefmt import local_day, local_time, office_zone, zone_label

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LANG_COOKIE = "records_lang"
_NOT_MARK = re.compile(r"<(?!/?mark>)")


def safe_snippet(snippet: str) -> Markup:
    """A highlight snippet from the index (already escaped, with <mark>) made safe whatever it holds:
    every `<` that does not open or close a plain <mark> is escaped."""
    return Markup(_NOT_MARK.sub("&lt;", snippet or ""))


TEMPLATES.env.filters["dmy"] = format_date
TEMPLATES.env.filters["snippet"] = safe_snippet
TEMPLATES.env.globals["text_dir"] = text_dir
TEMPLATES.env.globals["html_lang"] = html_lang


def ui_lang(request: Request) -> str:
    """The language this page is rendered in."""
    return pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def render(request: Request, name: str, context: dict[str, Any], status: int = 200, user=None,
           headers: dict[str, str] | None = None):
    """Render template `name` with the common context (lang, t, user, csrf)."""
    from search_api.auth import COOKIE, csrf_token

    lang = ui_lang(request)
    zone = office_zone_of(request)
    token = request.cookies.get(COOKIE)
    user = user or getattr(request.state, "user", None)
    ctx = {"request": request, "lang": lang, "user": user, "csrf": csrf_token(token) if token and user else "",
           "t": lambda key, **v: translate(key, lang, **v), "path": request.url.path,
           "label": lambda title, doc_type, number=None, issued=None, filename=None: doc_label(
               title, doc_type, number, issued, lang, filename),
           "reason": lambda record: reason_in(record.error, record.error_key, record.error_params, lang),
           # stored times are UTC: shown in the office's zone (RECORDS_TIMEZONE), as date and time or as a day
           "when": lambda ts: local_time(ts, lang, zone), "day": lambda ts: local_day(ts, lang, zone),
           "zone": zone.key, "zone_label": zone_label(zone),
           "full_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""), **context}
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status, headers=headers)


def office_zone_of(request: Request) -> ZoneInfo:
    """The app's office time zone (search_api.state.ApiState.zone)."""
    state = getattr(request.app.state, "records", None)
    return state.zone if state is not None else office_zone()


def render_error(request: Request, status: int, message: str, key: str | None = None, values: dict | None = None):
    """An error page carrying the same message the JSON API would give, in the user's language when it is keyed."""
    if key:
        message = translate_message({"key": key, "params": values or {}}, ui_lang(request), message)
    return render(request, "error.html", {"status": status, "message": message}, status=status)
