"""The search index contract shared by every backend (embedded tantivy, Elasticsearch).

The index is derived data: everything in it can be rebuilt from the object store (`records reindex`).
Access control is applied inside `SearchIndex.search` from `SearchRequest.access`; the query text can never widen it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from documents.errors import RecordsError
from documents.search import Access, SearchRequest, filter_values  # re-exported: the index's callers use them
from index.folding import fold

VISIBILITIES = ("private", "shared", "public")
SORTS = ("relevance", "date_desc", "date_asc", "added_desc", "added_asc", "title_asc", "title_desc")
# sort name -> (index field, descending?): issued date (else date added), date added, title (folded, untitled last)
SORT_FIELDS = {"date_desc": ("sort_key", True), "date_asc": ("sort_key", False),
               "added_desc": ("added_key", True), "added_asc": ("added_key", False),
               "title_asc": ("title_key", False), "title_desc": ("title_key", True)}
MAX_RESULT_WINDOW = 10_000  # offset + limit beyond this is refused (ValueError): refine the query instead
FACETS = ("agency", "doc_type", "language", "year", "dossier", "tags")


@dataclass
class IndexedPage:
    """The text of one page (1-based page number)."""

    number: int
    text: str


@dataclass
class IndexDoc:
    """One document as the index sees it: metadata, ACL and the text of every page."""

    id: str
    agency: str
    visibility: str  # "private" | "shared" | "public"
    shared_with: list[str]
    title: str | None
    doc_type: str
    doc_number: str | None
    issued_date: str | None  # ISO date (YYYY-MM-DD)
    language: str | None
    issuing_body: str | None
    dossier: str | None
    dossier_title: str | None
    tags: list[str]
    created_at: str  # ISO timestamp
    pages: list[IndexedPage]


@dataclass
class Hit:
    """One matching document. `highlights` are HTML-escaped snippets with matches in <mark>…</mark>."""

    id: str
    title: str | None
    score: float
    agency: str
    doc_type: str
    language: str | None
    issued_date: str | None
    doc_number: str | None
    dossier: str | None
    highlights: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # page numbers on which the query matched


@dataclass
class SearchResult:
    """`total` counts every visible matching document; `facets` maps facet name -> value -> count."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class IndexCorrupt(RecordsError, RuntimeError):
    """The index cannot be opened or read (damaged, or built by another version). It is derived data: the
    reason tells the user to run `records reindex`, which rebuilds it from the object store."""


def is_visible(doc: IndexDoc, access: Access) -> bool:
    """The access rule, written once for tests and for backends that filter in Python."""
    if access.all_agencies:
        return True
    if doc.visibility == "public":
        return True
    if access.agency is None:
        return False
    if doc.agency == access.agency:
        return True
    return doc.visibility == "shared" and access.agency in doc.shared_with


def iso_date(value: str | None) -> date | None:
    """The date of an ISO string (its first 10 characters), or None when absent or malformed."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def sort_key(doc: IndexDoc) -> int:
    """yyyymmddHHMMSS of the issued date, else of `created_at`: the order of the date sorts in every backend."""
    issued = iso_date(doc.issued_date)
    if issued is not None:
        return (issued.year * 10000 + issued.month * 100 + issued.day) * 1_000_000
    try:
        t = datetime.fromisoformat(doc.created_at.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return 0
    return (t.year * 10000 + t.month * 100 + t.day) * 1_000_000 + t.hour * 10000 + t.minute * 100 + t.second


def added_key(doc: IndexDoc) -> int:
    """yyyymmddHHMMSS of `created_at` (when the document was added): the order of the "date added" sorts."""
    return timestamp_key(doc.created_at)


def timestamp_key(value: str | None) -> int:
    """yyyymmddHHMMSS of an ISO timestamp (UTC); 0 when absent or malformed."""
    try:
        t = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return 0
    return (t.year * 10000 + t.month * 100 + t.day) * 1_000_000 + t.hour * 10000 + t.minute * 100 + t.second


UNTITLED_KEY = "\uffff"  # sorts after every real title, so untitled documents come last in A–Z


def title_key(doc: IndexDoc) -> str:
    """The title folded to lower-case ASCII where it can be (`Quyết` -> `quyet`): the order of the title sorts."""
    title = " ".join((doc.title or "").split())
    return fold(title)[:200] or UNTITLED_KEY


def check_doc(doc: IndexDoc) -> None:
    """Refuse a document no backend can index correctly (ValueError)."""
    if not doc.id:
        raise ValueError("IndexDoc.id is empty")
    if doc.visibility not in VISIBILITIES:
        raise ValueError(f"document {doc.id}: visibility {doc.visibility!r} is not one of {', '.join(VISIBILITIES)}")
    if not doc.agency:
        raise ValueError(f"document {doc.id}: agency is empty")


# (field, boost, folded?) searched for every query word; exact fields outrank their folded twins, the document number
# and the title outrank the body. Elasticsearch indexes these fields; tantivy indexes exact words only and gives its
# folded (regex) matches the folded fields' boosts.
DOC_FIELDS: tuple[tuple[str, float, bool], ...] = (
    ("number_f", 5.0, True),
    ("title", 4.5, False),
    ("title_f", 3.0, True),
    ("body", 1.5, False),
    ("body_f", 1.0, True),
    ("meta_f", 1.0, True),
)


def term_filters(req: SearchRequest) -> list[tuple[str, list[str]]]:
    """The keyword filters the request asks for, as (field, values) pairs; a document matches a pair when its
    field holds any of the values."""
    pairs = (("agency", req.agency), ("doc_type", req.doc_type), ("language", req.language),
             ("dossier", req.dossier), ("tags", req.tag))
    return [(name, filter_values(value)) for name, value in pairs if filter_values(value)]


def date_range(req: SearchRequest) -> tuple[date | None, date | None]:
    """The issued-date bounds of the request; ValueError for a bound that is not an ISO date."""
    lo, hi = iso_date(req.date_from), iso_date(req.date_to)
    if (req.date_from and lo is None) or (req.date_to and hi is None):
        raise ValueError(f"date filter must be an ISO date (YYYY-MM-DD): {req.date_from or ''} {req.date_to or ''}")
    return lo, hi


def result_window(req: SearchRequest) -> tuple[int, int]:
    """The request's (limit, offset), validated the same way by every backend.

    Raises ValueError for an unknown sort or a page beyond `MAX_RESULT_WINDOW`.
    """
    if req.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {req.sort!r}")
    limit = max(0, min(int(req.limit), 1000))
    offset = max(0, int(req.offset))
    if offset + limit > MAX_RESULT_WINDOW:
        raise ValueError(f"results beyond the first {MAX_RESULT_WINDOW:,} cannot be paged to; narrow the search "
                         "with filters")
    return limit, offset


class SearchIndex(ABC):
    """A full-text index of documents with page-level hits, facets and server-side access control."""

    @abstractmethod
    def upsert(self, docs: Iterable[IndexDoc]) -> None:
        """Add or replace documents by id (idempotent), in bulk; durable when it returns."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    @abstractmethod
    def search(self, req: SearchRequest) -> SearchResult:
        """Ranked, access-filtered, faceted, paginated results for one request."""

    @abstractmethod
    def get(self, doc_id: str) -> IndexDoc | None:
        """The document as indexed, or None."""

    @abstractmethod
    def count(self) -> int:
        """Number of documents (not pages) in the index."""

    def ids(self) -> Iterator[str]:
        """Every indexed document id (for `records verify`: index entries without a manifest)."""
        raise NotImplementedError(f"{type(self).__name__} cannot list its document ids")

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (before a full reindex)."""

    @abstractmethod
    def close(self) -> None:
        """Release files / connections. Safe to call twice."""
