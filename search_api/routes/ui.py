"""The web UI: sign in with a token, upload with live progress, search with facets, document viewer.

Pages are rendered on the server from the same functions as the JSON API (same access checks, same audit);
the browser's session cookie holds the API token (HttpOnly, SameSite=Strict)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from catalog import authenticate
from catalog.batches import list_batches
from catalog.users import User
from documents.access import can_change_visibility, can_upload
from documents.errors import NotFound
from documents.model import DOC_TYPES, derivative_key, page_key
from index.base import FACETS
from search_api.auth import COOKIE, request_token
from search_api.docaccess import load_visible
from search_api.errors import ApiError
from search_api.highlight import matching_boxes
from search_api.i18n import LANGS
from search_api.ratelimit import client_of
from search_api.routes.api_documents import page_words_json
from search_api.searching import SearchParams, facets_beside_selection, parse_date, run_search
from search_api.state import ApiState, StateDep
from search_api.ui_render import LANG_COOKIE, render, ui_lang

router = APIRouter(include_in_schema=False)
RECENT_BATCHES = 15
MAX_PAGES_SHOWN = 60


def _local_path(value: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/search"


def ui_user(request: Request, state: ApiState) -> User | None:
    """The signed-in user of a browser request (cookie), or None."""
    token, _ = request_token(request)
    user = authenticate(state.catalog, token) if token else None
    if user is not None:
        request.state.user = user
    return user


def _to_login(request: Request) -> RedirectResponse:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": path}), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/search") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": _local_path(next), "failed": False})


@router.post("/login")
def login(request: Request, state: StateDep, token: str = Form(""), next: str = Form("/search")) -> Response:
    """Check the token and keep it in an HttpOnly cookie. Failed attempts are limited per client (429)."""
    client = client_of(request)
    try:
        state.signin_limiter.check(client)
    except ApiError as exc:
        return render(request, "login.html", {"next": _local_path(next), "failed": True,
                                              "message": exc.message_in(ui_lang(request))},
                      status=429, headers=exc.headers)
    user = authenticate(state.catalog, token.strip())
    if user is None:
        state.signin_limiter.failed(client)
        return render(request, "login.html", {"next": _local_path(next), "failed": True}, status=401)
    state.audit(request, user.principal, "login", None, None)
    response = RedirectResponse(_local_path(next), status_code=303)
    response.set_cookie(
        COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        path="/",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the session cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def set_lang(code: str, next: str = "/search") -> RedirectResponse:
    """Switch the UI language (vi or en)."""
    response = RedirectResponse(_local_path(next), status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, samesite="lax", path="/", max_age=365 * 24 * 3600)
    return response


@router.get("/upload")
def upload_page(request: Request, state: StateDep) -> Response:
    """Drag-and-drop upload with a progress bar per file and the batch ledger updating live."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    allowed = can_upload(user.principal)
    recent = list_batches(state.catalog, user.agency, RECENT_BATCHES) if user.agency and allowed else []
    return render(request, "upload.html", {"allowed": allowed, "batches": recent}, user=user)


PAGE_SIZES = (10, 20, 50)
UI_SORTS = ("relevance", "date_desc", "date_asc", "added_desc", "title_asc")
_MULTI = ("agency", "type", "lang", "dossier", "tag")  # URL names of the multi-select facets


@router.get("/search")
def search_page(
    request: Request,
    state: StateDep,
    q: str = Query("", max_length=2000),
    agency: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None,
    lang: Annotated[list[str] | None, Query()] = None,
    date_from: str = Query("", alias="from"),
    date_to: str = Query("", alias="to"),
    dossier: Annotated[list[str] | None, Query()] = None,
    tag: Annotated[list[str] | None, Query(max_length=64)] = None,
    sort: str = "relevance",
    size: int = 10,
    page: int = Query(1, ge=1, le=500),
) -> Response:
    """Query box, multi-select facets with counts, thumbnails of the matching page, sort, page size, paging."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    size = size if size in PAGE_SIZES else PAGE_SIZES[0]
    agency, type, lang, dossier, tag = agency or [], type or [], lang or [], dossier or [], tag or []
    params = SearchParams(q=q, agency=agency, doc_type=type, language=lang, date_from=date_from or None,
                          date_to=date_to or None, dossier=dossier, tag=tag, limit=size, offset=(page - 1) * size,
                          sort=sort)
    error, error_status, facets = None, 200, {}
    try:
        result = run_search(state, request, user.principal, params)
        facets = facets_beside_selection(state, user.principal, params, result)
    except ApiError as exc:
        error, error_status, result = exc.message_in(ui_lang(request)), exc.status, None
    current: dict = {"q": q, "agency": agency, "type": type, "lang": lang, "from": date_from, "to": date_to,
                     "dossier": dossier, "tag": tag, "sort": sort, "size": size}

    def link(**changes) -> str:
        merged = {**current, **changes}
        defaults = ("", None, [], 1)
        kept = {k: v for k, v in merged.items() if v not in defaults and not (k == "size" and v == PAGE_SIZES[0])}
        return "/search?" + urlencode(kept, doseq=True)

    def toggle(param: str, value: str) -> str:
        """The link that adds `value` to the facet's chosen values, or removes it (back to page 1)."""
        chosen = list(current[param])
        chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        return link(**{param: chosen, "page": 1})

    facet_param = {"agency": "agency", "doc_type": "type", "language": "lang", "dossier": "dossier", "tags": "tag"}
    return render(
        request,
        "search.html",
        {
            "q": q,
            "current": current,
            "result": result,
            "facets": facets,
            "error": error,
            "page": page,
            "size": size,
            "sizes": PAGE_SIZES,
            "sorts": UI_SORTS,
            "pages": ((result.total + size - 1) // size) if result else 0,
            "link": link,
            "toggle": toggle,
            "multi": _MULTI,
            "facet_param": facet_param,
            "facet_names": [f for f in FACETS if f != "year"],
            "reversed_dates": _reversed(date_from, date_to),
        },
        status=error_status,
        user=user,
    )


def correction_context(state: ApiState, principal, manifest) -> dict:
    """What the document page needs for the correction loop: who may edit or delete, where to split."""
    from changes.rules import can_delete, can_edit
    from changes.splitmerge import suggest_split
    from search_api.routes.ui_corrections import reason_label

    may_edit = can_edit(principal, manifest) and not manifest.superseded_by
    return {"may_edit": may_edit and manifest.trashed is None, "may_delete": can_delete(principal, manifest),
            "split_suggested": suggest_split(state.backends, manifest) if may_edit else [],
            "reason_label": reason_label, "doc_types": DOC_TYPES}


def _reversed(date_from: str, date_to: str) -> bool:
    """Both dates valid and the range empty: the user most likely swapped them (shown with a one-click fix)."""
    try:
        start, end = parse_date(date_from or None, "from"), parse_date(date_to or None, "to")
    except ApiError:
        return False  # the search itself reports the bad date
    return bool(start and end and start > end)


@router.get("/documents/{doc_id}")
def document_page(request: Request, state: StateDep, doc_id: str, q: str = Query("", max_length=2000)) -> Response:
    """Metadata, page images with the query's words highlighted by their OCR boxes, the text, downloads."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    principal = user.principal
    manifest = load_visible(state, request, principal, doc_id)
    state.audit(request, principal, "view", doc_id, manifest.agency, via="ui")
    pages = []
    for p in manifest.pages[:MAX_PAGES_SHOWN]:
        words = page_words_json(state, doc_id, p.number) if q else []
        try:
            text = state.backends.store.get_bytes(page_key(doc_id, p.number, "txt")).decode()
        except NotFound:
            text = ""
        pages.append(
            {
                "number": p.number,
                "width": p.width,
                "height": p.height,
                "lang": p.lang,
                "text": text,
                "boxes": matching_boxes(words, q, p.width, p.height) if q else [],
                "flags": p.flags,
                "blank": p.blank,
                "text_edited": p.text_edited,
            }
        )
    if not pages:
        try:
            whole = state.backends.store.get_bytes(derivative_key(doc_id, "text.txt")).decode()
        except NotFound:
            whole = ""
        pages = (
            [{"number": 0, "width": 0, "height": 0, "lang": manifest.metadata.language, "text": whole, "boxes": []}]
            if whole
            else []
        )
    return render(
        request,
        "document.html",
        {
            "doc": manifest,
            "pages": pages,
            "q": q,
            "more_pages": max(0, len(manifest.pages) - MAX_PAGES_SHOWN),
            "may_change": can_change_visibility(principal, manifest),
            "doc_lang": manifest.metadata.language,
            "is_owner": manifest.agency == principal.agency,
            **correction_context(state, principal, manifest),
        },
        user=user,
    )
