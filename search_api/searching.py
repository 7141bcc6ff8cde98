"""One search for one caller, shared by the JSON API and the web UI: validate, apply access, run, audit."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date

from fastapi import Request

from documents.access import Principal
from documents.errors import TransientBackendError
from index.base import MAX_RESULT_WINDOW, SORTS, SearchRequest, SearchResult, filter_values
from search_api.errors import ApiError
from search_api.state import ApiState

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# the keyword filters a search may OR, and the facet each one counts on
FILTER_FIELDS = {"agency": "agency", "doc_type": "doc_type", "language": "language", "dossier": "dossier",
                 "tag": "tags"}
MAX_FILTER_VALUES = 50


@dataclass
class SearchParams:
    """What a caller may ask for; access is never among it."""

    q: str = ""
    # one value, or several OR-ed (a multi-select facet)
    agency: str | list[str] | None = None
    doc_type: str | list[str] | None = None
    language: str | list[str] | None = None
    date_from: str | None = None
    date_to: str | None = None
    dossier: str | list[str] | None = None
    tag: str | list[str] | None = None
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
    narrowed = _request(principal, p)
    try:
        result = (SearchResult(total=0, hits=[], facets={}) if narrowed is None
                  else state.backends.index.search(narrowed))
    except TransientBackendError as exc:
        raise ApiError(503, "unavailable", "search is unavailable right now (the search index does not answer); "
                       "documents are still being received and will be searchable when it is back — try again in "
                       "a minute", headers={"Retry-After": "30"}, key="err_search_down") from exc
    # the audit keeps one chosen value as a plain string (as before multi-select), several as a list
    filters = {k: _one_or_list(v) for k, v in asdict(p).items() if k not in ("q", "limit", "offset", "sort") and v}
    state.audit(request, principal, "search", None, None, q=p.q, filters=filters, total=result.total,
                offset=p.offset or None)
    return result


def _one_or_list(value: str | list[str]) -> str | list[str]:
    values = filter_values(value)
    return values[0] if len(values) == 1 else values


def _request(principal: Principal, p: SearchParams) -> SearchRequest | None:
    """The index request for `p` as `principal` (None: it can match nothing). Dates are checked (422)."""
    for name in FILTER_FIELDS:
        if len(filter_values(getattr(p, name))) > MAX_FILTER_VALUES:
            raise ApiError(422, "invalid", f"at most {MAX_FILTER_VALUES} values of one filter", key="err_filter_values",
                           values={"n": MAX_FILTER_VALUES})
    date_from, date_to = parse_date(p.date_from, "from"), parse_date(p.date_to, "to")
    req = SearchRequest(query=p.q or "", access=principal.access, agency=filter_values(p.agency) or None,
                        doc_type=filter_values(p.doc_type) or None, language=filter_values(p.language) or None,
                        date_from=date_from, date_to=date_to, dossier=filter_values(p.dossier) or None,
                        tag=filter_values(p.tag) or None, limit=p.limit, offset=p.offset, sort=p.sort)
    return principal.narrow(req)


def facets_beside_selection(state: ApiState, principal: Principal, p: SearchParams,
                            result: SearchResult) -> dict[str, dict[str, int]]:
    """Facet counts for a multi-select facet list: a facet that has values chosen is counted as if none of its
    own values were chosen (the other filters still apply), so the user can add values to OR. One count-only
    search per facet in use; the others keep the result's counts."""
    facets = dict(result.facets)
    for name, facet in FILTER_FIELDS.items():
        if not filter_values(getattr(p, name)):
            continue
        narrowed = _request(principal, replace(p, **{name: None}, limit=0, offset=0))
        if narrowed is not None:
            facets[facet] = state.backends.index.search(narrowed).facets.get(facet, {})
    return facets


def count_added_since(state: ApiState, principal: Principal, p: SearchParams, since: str) -> int:
    """How many documents matching `p` (as `principal` may see them) were added after `since` (ISO timestamp).
    Not audited: it is the start page's badge, not a search the user ran."""
    narrowed = _request(principal, replace(p, limit=0, offset=0, sort="relevance"))
    if narrowed is None:
        return 0
    return state.backends.index.search(replace(narrowed, added_after=since)).total


def params_from_query(query: str) -> SearchParams:
    """The search of a search-page query string (`q=...&type=a&type=b&from=...`), as saved searches keep it."""
    from urllib.parse import parse_qs

    values = parse_qs(query, keep_blank_values=False)

    def one(name: str) -> str | None:
        return (values.get(name) or [None])[0]

    return SearchParams(q=one("q") or "", agency=values.get("agency"), doc_type=values.get("type"),
                        language=values.get("lang"), date_from=one("from"), date_to=one("to"),
                        dossier=values.get("dossier"))


def result_dict(result: SearchResult, p: SearchParams) -> dict:
    """JSON view of a result (the `records search --json` shape plus paging)."""
    return {"total": result.total, "offset": p.offset, "limit": p.limit, "query": p.q,
            "hits": [asdict(h) for h in result.hits], "facets": result.facets}
