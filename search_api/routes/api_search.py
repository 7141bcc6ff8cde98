"""`GET /api/search`: full-text search with filters, facets, highlights, page numbers, paging and sort."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from search_api.auth import PrincipalDep
from search_api.searching import SearchParams, result_dict, run_search
from search_api.state import StateDep

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", summary="Search the documents you may see")
def search(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    q: str = Query("", max_length=2000, description='query: words, "phrases", AND/OR/NOT, -word, prefix*'),
    agency: Annotated[list[str] | None, Query(description="owning agency; repeat to match any of several")] = None,
    type: Annotated[list[str] | None, Query(description="doc_type, e.g. decision; repeatable (OR)")] = None,
    lang: Annotated[list[str] | None, Query(description="language: vie, eng, urd, ara; repeatable (OR)")] = None,
    date_from: str | None = Query(None, alias="from", description="issued on/after (yyyy-mm-dd)"),
    date_to: str | None = Query(None, alias="to", description="issued on/before (yyyy-mm-dd)"),
    dossier: Annotated[list[str] | None, Query(description="dossier reference; repeatable (OR)")] = None,
    tag: str | None = Query(None, max_length=64, description="documents carrying this tag"),
    limit: int = Query(20),
    offset: int = Query(0),
    sort: str = Query("relevance", description="relevance, date_desc, date_asc (issued date), added_desc, "
                      "added_asc (date added), title_asc or title_desc"),
) -> JSONResponse:
    """Ranked hits with highlighted snippets (`<mark>`), the pages they are on, and facet counts.

    Results and facet counts only ever cover documents the caller's agency may see."""
    params = SearchParams(
        q=q,
        agency=agency,
        doc_type=type,
        language=lang,
        date_from=date_from,
        date_to=date_to,
        dossier=dossier,
        tag=tag,
        limit=limit,
        offset=offset,
        sort=sort,
    )
    # JSONResponse directly: the result is plain JSON data already, and FastAPI's generic encoder would cost
    # more than the rest of the request handling together (measured: 1.4 ms of CPU per page of 20 hits).
    return JSONResponse(result_dict(run_search(state, request, principal, params), params))
