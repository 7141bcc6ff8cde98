"""One search for one caller, shared by the JSON API and the web UI: validate, apply access, run, audit."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from fastapi import Request

from documents.access import Principal
from index.base import SORTS, SearchRequest, SearchResult
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
    """ISO `yyyy-mm-dd` (or `dd/mm/yyyy`, as the UI shows dates) -> ISO; 422 otherwise."""
    if not value:
        return None
    value = value.strip()
    m = _DMY.match(value)
    if m:
        value = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if not _DATE.match(value):
        raise ApiError(422, "invalid", f"{name} must be a date as yyyy-mm-dd or dd/mm/yyyy, not {value!r}")
    return value


def run_search(state: ApiState, request: Request | None, principal: Principal, p: SearchParams) -> SearchResult:
    """Search as `principal`. Paging and sort are checked; the access filter comes only from the principal."""
    if not 1 <= p.limit <= state.limits.max_page_size:
        raise ApiError(422, "invalid", f"limit must be between 1 and {state.limits.max_page_size}")
    if not 0 <= p.offset <= state.limits.max_offset:
        raise ApiError(422, "invalid", f"offset must be between 0 and {state.limits.max_offset}; narrow the search")
    if p.sort not in SORTS:
        raise ApiError(422, "invalid", f"sort must be one of {', '.join(SORTS)}")
    date_from, date_to = parse_date(p.date_from, "from"), parse_date(p.date_to, "to")
    req = SearchRequest(query=p.q or "", access=principal.access, agency=p.agency or None,
                        doc_type=p.doc_type or None, language=p.language or None, date_from=date_from,
                        date_to=date_to, dossier=p.dossier or None, tag=p.tag or None, limit=p.limit, offset=p.offset,
                        sort=p.sort)
    narrowed = principal.narrow(req)
    result = SearchResult(total=0, hits=[], facets={}) if narrowed is None else state.backends.index.search(narrowed)
    filters = {k: v for k, v in asdict(p).items() if k not in ("q", "limit", "offset", "sort") and v}
    state.audit(request, principal, "search", None, None, q=p.q, filters=filters, total=result.total,
                offset=p.offset or None)
    return result


def result_dict(result: SearchResult, p: SearchParams) -> dict:
    """JSON view of a result (the `records search --json` shape plus paging)."""
    return {"total": result.total, "offset": p.offset, "limit": p.limit, "query": p.q,
            "hits": [asdict(h) for h in result.hits], "facets": result.facets}
