"""What a search asks for: the query, who asks, filters, paging and order. Below both the search index (which
answers it) and the access rules (which narrow it), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Access:
    """Who is asking. `all_agencies` is for the local administrator and the admin role."""

    agency: str | None
    all_agencies: bool = False


@dataclass
class SearchRequest:
    """A search: the user's query text plus filters. `query == ""` lists everything visible, newest first."""

    query: str
    access: Access
    # each keyword filter is one value or a list of values OR-ed together (a multi-select facet)
    agency: str | list[str] | None = None
    doc_type: str | list[str] | None = None
    language: str | list[str] | None = None
    date_from: str | None = None  # ISO date, inclusive, on issued_date
    date_to: str | None = None  # ISO date, inclusive, on issued_date
    dossier: str | list[str] | None = None
    tag: str | list[str] | None = None  # documents carrying this tag (or any of these tags)
    added_after: str | None = None  # ISO timestamp, exclusive, on created_at (new matches of a saved search)
    limit: int = 20  # 0 asks only for total and facets
    offset: int = 0  # offset + limit <= MAX_RESULT_WINDOW, else ValueError
    sort: str = "relevance"  # or any other of index.base.SORTS


def filter_values(value: str | list[str] | None) -> list[str]:
    """The values of one keyword filter (one value, or several to be OR-ed), without blanks or repeats."""
    values = [value] if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(v for v in values if v))
