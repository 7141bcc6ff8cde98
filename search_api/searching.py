"""One search for one caller, shared by the JSON API and the web UI: validate, apply access, run, audit."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from fastapi import Request

from documents.access import Principal
from documents.errors import TransientBackendError
from index.base import MAX_RESULT_WINDOW, SORTS, SearchRequest, SearchResult
from search_api.errors import ApiError
from search_api.state import ApiState

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class SearchParams:
    """What a caller may ask for; access is never among it."""

    q: str = ""
    agency: str | None = None
    doc_type: str | None = None
    language: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    dossier: str | None = None
    tag: str | None = None
    limit: int = 20
    offset: int = 0
    sort: str = "relevance"


def parse_date(value: str | None, name: str) -> str | None:
    """ISO `yyyy-mm-dd` (or `dd/mm/yyyy`, as the UI shows dates) -> ISO; 422 otherwise.

    A well-formed but impossible date (31/02/2024, 2024-02-30, 31/13/2024) is refused here too: the calendar,
    not the pattern, decides."""
    if not value:
        return None
    given = value.strip()
    m = _DMY.match(given)
    iso = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else given
    if not _DATE.match(iso):
        raise ApiError(422, "invalid", f"{name} must be a date as yyyy-mm-dd or dd/mm/yyyy, not {given!r}",
                       key="err_date_form", values={"name": name, "value": given})
    try:
        date.fromisoformat(iso)
    except ValueError:
        raise ApiError(422, "invalid", f"{name}: {given!r} is not a real date (check the day and the month)",
                       key="err_date_impossible", values={"name": name, "value": given}) from None
    return iso


def run_search(state: ApiState, request: Request | None, principal: Principal, p: SearchParams) -> SearchResult:
    """Search as `principal`. Paging and sort are checked; the access filter comes only from the principal."""
    if not 1 <= p.limit <= state.limits.max_page_size:
        raise ApiError(422, "invalid", f"limit must be between 1 and {state.limits.max_page_size}",
                       key="err_limit", values={"max": state.limits.max_page_size})
    window = min(state.limits.max_offset, MAX_RESULT_WINDOW)
    if p.offset < 0 or p.offset + p.limit > window:
        # the index pages through the first 10,000 results only: say so instead of letting the engine fail
        raise ApiError(422, "invalid", f"only the first {window:,} results can be paged through "
                       f"(offset + limit ≤ {window:,}); narrow the search with more words or filters",
                       key="err_window", values={"window": f"{window:,}"})
    if p.sort not in SORTS:
        raise ApiError(422, "invalid", f"sort must be one of {', '.join(SORTS)}",
                       key="err_sort", values={"sorts": ", ".join(SORTS)})
    date_from, date_to = parse_date(p.date_from, "from"), parse_date(p.date_to, "to")
    req = SearchRequest(query=p.q or "", access=principal.access, agency=p.agency or None,
                        doc_type=p.doc_type or None, language=p.language or None, date_from=date_from,
                        date_to=date_to, dossier=p.dossier or None, tag=p.tag or None, limit=p.limit, offset=p.offset,
                        sort=p.sort)
    narrowed = principal.narrow(req)
    try:
        result = (SearchResult(total=0, hits=[], facets={}) if narrowed is None
                  else state.backends.index.search(narrowed))
    except TransientBackendError as exc:
        raise ApiError(503, "unavailable", "search is unavailable right now (the search index does not answer); "
                       "documents are still being received and will be searchable when it is back — try again in "
                       "a minute", headers={"Retry-After": "30"}, key="err_search_down") from exc
    filters = {k: v for k, v in asdict(p).items() if k not in ("q", "limit", "offset", "sort") and v}
    state.audit(request, principal, "search", None, None, q=p.q, filters=filters, total=result.total,
                offset=p.offset or None)
    return result


def result_dict(result: SearchResult, p: SearchParams) -> dict:
    """JSON view of a result (the `records search --json` shape plus paging)."""
    return {"total": result.total, "offset": p.offset, "limit": p.limit, "query": p.q,
            "hits": [asdict(h) for h in result.hits], "facets": result.facets}
