"""The distributed search backend: Elasticsearch 9 through the official `elasticsearch` client.

Design
------
* **Folding in Python.** Text is split and folded by `index.folding` before it is sent, and every text field uses
  the built-in `whitespace` analyzer, so the node needs no analysis plugin (the test distribution has none) and the
  index, the query compiler and the highlighter agree on words exactly as in the tantivy backend. Each field exists
  twice, exact (tones kept) and folded; exact fields are boosted so an exact-tone match ranks first; title and
  document number outrank body text (the same boosts as `index.tantivy_index`).
* **One Elasticsearch document per Records document, pages nested.** Ranking, totals, facets, filters, sorting and
  pagination run on the root document (whose `body` holds every page's words), so they are exact per document.
  Each page is also a `nested` object (`pages.number`, `pages.body`, `pages.body_f`; its raw text in `_source`
  only). Page hits come from the same search request: the query's non-negated words run against the nested pages
  twice with `inner_hits` and zero weight — one returns the numbers of every matching page, the other the text of
  the three best pages, which `index.highlight` turns into the same snippets as the embedded backend. One round trip
  per search, no per-hit follow-up queries.
* **Access control** is a filter on `public` and `readers` (owner + `shared_with` when shared) built from
  `SearchRequest.access`; the query text is compiled from the parsed AST (`index.query`), never given to a query
  parser, so it cannot widen the filter.
* **Versioned index behind an alias.** Data lives in `<es_index>-v<N>`; readers and writers use the alias
  `<es_index>`. `rebuild(docs)` creates `-v<N+1>`, bulk loads it (refresh off, then on), swaps the alias in one
  atomic `update_aliases` call and deletes the old index: searches never see an empty or half-built index.
  `clear()` is a rebuild with no documents. Upserts that land on the old index while a rebuild runs are lost with
  it; rebuild from the object store after such a window (`records reindex` is the only rebuilder).
* **Durable and visible on return.** `upsert` and `delete` end with an explicit refresh (`refresh=true` on the bulk
  request; the translog is fsynced per request), so a search right after them sees the change. `refresh="wait_for"`
  was measured at ~1 s per call (it waits for the next scheduled refresh), which a worker indexing one document per
  job cannot afford; the explicit refresh costs 40-140 ms here. `rebuild` loads with refresh off and refreshes once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch.helpers import BulkIndexError

from documents.errors import RecordsError, TransientBackendError
from index import query as q
from index.base import (
    DOC_FIELDS,
    FACETS,
    SORT_FIELDS,
    Hit,
    IndexCorrupt,
    IndexDoc,
    IndexedPage,
    SearchIndex,
    SearchRequest,
    SearchResult,
    added_key,
    check_doc,
    date_range,
    iso_date,
    result_window,
    sort_key,
    term_filters,
    timestamp_key,
    title_key,
)
from index.folding import fold_normalized, tokens
from index.highlight import matcher, snippet
from settings import Settings

SCHEMA_VERSION = 2  # 2: added_key and title_key (sort by date added, by title)

PAGE_FIELDS: tuple[tuple[str, float, bool], ...] = (("pages.body", 1.5, False), ("pages.body_f", 1.0, True))
FACET_SIZE = 50
MAX_PAGES_PER_HIT = 5000
HIGHLIGHT_PAGES = 3
PREFIX_EXPANSIONS = 200
BULK_CHUNK = 200
# Lucene's BM25 takes IDF from the documents that *have* a field, so a title word in the only titled document
# would score as common and lose to body text. Every ranked field therefore starts with this token, which no
# query word can be (`index.folding` splits words on `_`): IDF then counts every document, as in tantivy.
FILLER = "_"

_TEXT = {"type": "text", "analyzer": "whitespace", "norms": True}
_KEYWORD = {"type": "keyword"}
MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"records_schema": SCHEMA_VERSION},
    # Derived word fields are searchable but not kept in _source: the source is the IndexDoc, nothing more.
    "_source": {"excludes": ["title", "body", "body_f", "title_f", "number_f", "meta_f", "pages.body", "pages.body_f"]},
    "properties": {
        "id": _KEYWORD,
        "agency": _KEYWORD,
        "visibility": _KEYWORD,
        "shared_with": _KEYWORD,
        "readers": _KEYWORD,
        "public": {"type": "boolean"},
        "title": _TEXT,
        "title_raw": {"type": "keyword", "index": False, "doc_values": False},
        "title_f": _TEXT,
        "doc_type": _KEYWORD,
        "doc_number": {"type": "keyword", "index": False, "doc_values": False},
        "number_f": _TEXT,
        "issued_date": {"type": "keyword", "index": False, "doc_values": False},
        "issued": {"type": "date", "format": "strict_date"},
        "year": {"type": "integer"},
        "sort_key": {"type": "long"},
        "added_key": {"type": "long"},
        "title_key": {"type": "keyword"},
        "language": _KEYWORD,
        "issuing_body": {"type": "keyword", "index": False, "doc_values": False},
        "dossier": _KEYWORD,
        "dossier_title": {"type": "keyword", "index": False, "doc_values": False},
        "tags": _KEYWORD,
        "created_at": {"type": "keyword", "index": False, "doc_values": False},
        "meta_f": _TEXT,
        "body": _TEXT,
        "body_f": _TEXT,
        "pages": {
            "type": "nested",
            "properties": {
                "number": {"type": "integer"},
                "text": {"type": "text", "index": False},
                "body": _TEXT,
                "body_f": _TEXT,
            },
        },
    },
}
INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "auto_expand_replicas": "0-1",  # green on one node, one replica as soon as a second node joins
    "max_inner_result_window": MAX_PAGES_PER_HIT,
    "mapping.nested_objects.limit": 20_000,
}
_VERSIONED = re.compile(r"-v(\d+)$")


def index_text(text: str) -> tuple[str, str]:
    """(exact, folded) space-joined words of `text`, split and folded in Python for the `whitespace` analyzer."""
    exact = " ".join(tokens(text))
    return exact, fold_normalized(exact)


def _filled(words: str) -> str:
    """`words` after the FILLER token, so that every document has every ranked field (see FILLER)."""
    return f"{FILLER} {words}" if words else FILLER


def to_source(doc: IndexDoc) -> dict[str, Any]:
    """The Elasticsearch document for one IndexDoc: its fields, ACL, dates and exact/folded words."""
    check_doc(doc)
    pages = sorted(doc.pages, key=lambda p: p.number)
    words = [index_text(p.text) for p in pages]
    src: dict[str, Any] = {
        "id": doc.id,
        "agency": doc.agency,
        "visibility": doc.visibility,
        "shared_with": list(doc.shared_with),
        "readers": [doc.agency, *(doc.shared_with if doc.visibility == "shared" else [])],
        "public": doc.visibility == "public",
        "doc_type": doc.doc_type or "other",
        "doc_number": doc.doc_number,
        "issued_date": doc.issued_date,
        "language": doc.language,
        "issuing_body": doc.issuing_body,
        "dossier": doc.dossier,
        "dossier_title": doc.dossier_title,
        "tags": list(doc.tags),
        "created_at": doc.created_at,
        "sort_key": sort_key(doc),
        "added_key": added_key(doc),
        "title_key": title_key(doc),
        "body": _filled(" ".join(w[0] for w in words)),
        "body_f": _filled(" ".join(w[1] for w in words)),
        "pages": [
            {"number": p.number, "text": p.text, "body": exact, "body_f": folded}
            for p, (exact, folded) in zip(pages, words, strict=True)
        ],
    }
    issued = iso_date(doc.issued_date)
    if issued is not None:
        src["issued"] = issued.isoformat()
        src["year"] = issued.year
    title, title_f = index_text(doc.title or "")
    src["title"], src["title_f"] = _filled(title), _filled(title_f)
    if doc.title:
        src["title_raw"] = doc.title
    src["number_f"] = _filled(index_text(doc.doc_number or "")[1])
    extra = " ".join(x for x in (doc.issuing_body, doc.dossier, doc.dossier_title, *doc.tags) if x)
    src["meta_f"] = _filled(index_text(extra)[1])
    return src


def from_source(src: dict[str, Any]) -> IndexDoc:
    """The IndexDoc back from a stored `_source` (the title as given, not its indexed words)."""
    return IndexDoc(
        id=src["id"],
        agency=src["agency"],
        visibility=src["visibility"],
        shared_with=list(src.get("shared_with") or []),
        title=src.get("title_raw"),
        doc_type=src["doc_type"],
        doc_number=src.get("doc_number"),
        issued_date=src.get("issued_date"),
        language=src.get("language"),
        issuing_body=src.get("issuing_body"),
        dossier=src.get("dossier"),
        dossier_title=src.get("dossier_title"),
        tags=list(src.get("tags") or []),
        created_at=src.get("created_at") or "",
        pages=[IndexedPage(number=p["number"], text=p.get("text") or "") for p in src.get("pages") or []],
    )


# ---------------------------------------------------------------------------------------------- query compiling


def _word_query(node: q.Term | q.Phrase, fields: tuple[tuple[str, float, bool], ...]) -> dict[str, Any]:
    words = [node.word] if isinstance(node, q.Term) else list(node.words)
    folded = [fold_normalized(w) for w in words]
    should = []
    for field, boost, is_folded in fields:
        ws = folded if is_folded else words
        if len(ws) == 1 and node.prefix:
            should.append({"prefix": {field: {"value": ws[0], "boost": boost}}})
        elif len(ws) == 1:
            should.append({"term": {field: {"value": ws[0], "boost": boost}}})
        elif node.prefix:
            text = " ".join(ws)
            should.append(
                {"match_phrase_prefix": {field: {"query": text, "boost": boost, "max_expansions": PREFIX_EXPANSIONS}}}
            )
        else:
            should.append({"match_phrase": {field: {"query": " ".join(ws), "boost": boost}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def compile_query(node: q.Node, fields: tuple[tuple[str, float, bool], ...] = DOC_FIELDS) -> dict[str, Any]:
    """The Elasticsearch query DSL for a parsed user query (`index.query.parse`)."""
    if isinstance(node, q.Term | q.Phrase):
        return _word_query(node, fields)
    if isinstance(node, q.And):
        must = [compile_query(i, fields) for i in node.items if not isinstance(i, q.Not)]
        must_not = [compile_query(i.item, fields) for i in node.items if isinstance(i, q.Not)]
        return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}
    if isinstance(node, q.Or):
        return {"bool": {"should": [compile_query(i, fields) for i in node.items], "minimum_should_match": 1}}
    if isinstance(node, q.Not):  # the parser anchors negations; kept for safety
        return {"bool": {"must": [{"match_all": {}}], "must_not": [compile_query(node.item, fields)]}}
    if isinstance(node, q.MatchAll):
        return {"match_all": {}}
    return {"match_none": {}}


def access_filter(req: SearchRequest) -> list[dict[str, Any]]:
    """Filters from the caller's identity and the request's filters (never from the query text)."""
    out: list[dict[str, Any]] = []
    a = req.access
    if not a.all_agencies:
        allowed: list[dict[str, Any]] = [{"term": {"public": True}}]
        if a.agency:
            allowed.append({"term": {"readers": a.agency}})
        out.append({"bool": {"should": allowed, "minimum_should_match": 1}})
    out.extend({"terms": {field: values}} for field, values in term_filters(req))
    if req.added_after:
        out.append({"range": {"added_key": {"gt": timestamp_key(req.added_after)}}})
    lo, hi = date_range(req)
    if lo is not None or hi is not None:
        rng: dict[str, str] = {}
        if lo is not None:
            rng["gte"] = lo.isoformat()
        if hi is not None:
            rng["lte"] = hi.isoformat()
        out.append({"range": {"issued": rng}})
    return out


# ---------------------------------------------------------------------------------------------- the backend


class ElasticIndex(SearchIndex):
    """`SearchIndex` on an Elasticsearch cluster: alias `name`, data in `name-v<N>`."""

    def __init__(self, client: Elasticsearch, name: str = "records") -> None:
        self.client = client
        self.alias = name
        self._ready = False
        self._closed = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ElasticIndex:
        """The index named by `RECORDS_ES_INDEX` on `RECORDS_ES_URL`, with bounded timeouts and retries."""
        if not settings.es_url:
            raise RecordsError("RECORDS_ES_URL is not set")
        client = Elasticsearch(settings.es_url, request_timeout=60, max_retries=2, retry_on_timeout=True)
        return cls(client, settings.es_index)

    # --- errors and setup ---------------------------------------------------------------------------------------

    def _fail(self, exc: Exception, what: str) -> NoReturn:
        if isinstance(exc, TransportConnectionError | ConnectionTimeout):
            raise TransientBackendError(
                f"Elasticsearch unreachable while {what} ({type(exc).__name__}); retry", "r_es_unreachable",
                what=what, detail=type(exc).__name__) from exc
        if isinstance(exc, ApiError) and exc.meta.status in (429, 502, 503, 504):
            raise TransientBackendError(f"Elasticsearch busy while {what} (HTTP {exc.meta.status}); retry",
                                        "r_es_busy", what=what, status=exc.meta.status) from exc
        if isinstance(exc, BulkIndexError):
            first = exc.errors[0] if exc.errors else {}
            raise RecordsError(f"Elasticsearch refused {len(exc.errors)} document(s) while {what}: {first}",
                               "r_es_refused", n=len(exc.errors), what=what, detail=str(first)) from exc
        raise exc

    def _call(self, what: str, fn, *args, **kwargs):
        if self._closed:
            raise RuntimeError("the search index is closed")
        try:
            return fn(*args, **kwargs)
        except (TransportConnectionError, ConnectionTimeout, ApiError, BulkIndexError) as exc:
            self._fail(exc, what)

    def _versions(self) -> dict[str, bool]:
        """Every `<alias>-v<N>` index -> whether the alias points at it."""
        resp = self._call("listing indices", self.client.indices.get, index=f"{self.alias}-v*", allow_no_indices=True)
        out: dict[str, bool] = {}
        for name, info in resp.body.items():
            if _VERSIONED.search(name) and name[: name.rfind("-v")] == self.alias:
                out[name] = self.alias in (info.get("aliases") or {})
        return out

    def _create(self, name: str, loading: bool = False) -> None:
        settings = dict(INDEX_SETTINGS)
        if loading:
            settings["refresh_interval"] = "-1"
        self._call("creating an index", self.client.indices.create, index=name, settings=settings, mappings=MAPPING)

    def _targets(self) -> list[str]:
        """The indices the alias points at ([] when it does not exist); a plain index of that name is refused."""
        if self._closed:
            raise RuntimeError("the search index is closed")
        try:
            return list(self.client.indices.get_alias(name=self.alias).body)
        except ApiError as exc:
            if exc.meta.status != 404:
                self._fail(exc, "opening the index")
        except (TransportConnectionError, ConnectionTimeout) as exc:
            self._fail(exc, "opening the index")
        if self._call("checking the index", self.client.indices.exists, index=self.alias):
            raise IndexCorrupt(
                f"{self.alias!r} is a plain Elasticsearch index, not an alias; delete it and run `records reindex`, "
                "or set RECORDS_ES_INDEX to another name"
            )
        return []

    def _ensure(self) -> None:
        """Create `<alias>-v1` behind the alias on first use; refuse an index from another schema version."""
        if self._ready:
            return
        targets = self._targets()
        for _attempt in range(5):
            if targets:
                break
            # Creating the first index and its alias is one atomic step, and the alias takes one write index
            # only: when several processes start at once, one wins and the others see its index on re-reading.
            first = f"{self.alias}-v{max((self._number(n) for n in self._versions()), default=0) + 1}"
            try:
                self.client.indices.create(index=first, settings=dict(INDEX_SETTINGS), mappings=MAPPING,
                                           aliases={self.alias: {"is_write_index": True}})
            except ApiError as exc:
                if exc.meta.status != 400:
                    self._fail(exc, "creating the index")
            except (TransportConnectionError, ConnectionTimeout) as exc:
                self._fail(exc, "creating the index")
            targets = self._targets()
        if not targets:
            raise TransientBackendError("could not create the Elasticsearch index behind its alias; try again")
        mapping = self._call("reading the mapping", self.client.indices.get_mapping, index=self.alias)
        for name, body in mapping.body.items():
            version = (body.get("mappings", {}).get("_meta") or {}).get("records_schema")
            if version != SCHEMA_VERSION:
                raise IndexCorrupt(
                    f"the Elasticsearch index {name} was built by another version of Records (schema {version}, "
                    f"expected {SCHEMA_VERSION}); run `records reindex` to rebuild it from the object store"
                )
        self._ready = True

    @staticmethod
    def _number(name: str) -> int:
        m = _VERSIONED.search(name)
        return int(m.group(1)) if m else 0

    # --- writing ------------------------------------------------------------------------------------------------

    def _actions(self, index: str, docs: Iterable[IndexDoc]) -> Iterator[dict[str, Any]]:
        for doc in docs:
            yield {"_op_type": "index", "_index": index, "_id": doc.id, "_source": to_source(doc)}

    def upsert(self, docs: Iterable[IndexDoc]) -> None:
        """Add or replace documents by id (the last of duplicate ids wins), visible to search on return."""
        latest: dict[str, IndexDoc] = {}
        for doc in docs:
            latest[doc.id] = doc
        if not latest:
            return
        actions = [a for a in self._actions(self.alias, latest.values())]  # validate everything before writing
        self._ensure()
        self._call(
            "indexing documents",
            helpers.bulk,
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            refresh=True,
            max_retries=3,
            initial_backoff=1,
        )

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        self._ensure()
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids]
        self._call("deleting documents", helpers.bulk, self.client, actions, refresh=True, ignore_status=(404,))

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a fresh `<alias>-v<N+1>` from `docs`, swap the alias to it atomically, drop the old index.

        Searches keep using the old index until the swap. Returns the number of documents indexed. If loading
        fails the new index is deleted and the old one stays in service. Works whatever the current index
        holds (an older schema included): this is how such an index is replaced.
        """
        self._targets()
        versions = self._versions()
        new = f"{self.alias}-v{max((self._number(n) for n in versions), default=0) + 1}"
        self._create(new, loading=True)
        try:
            ok, _ = self._call(
                "rebuilding the index",
                helpers.bulk,
                self.client,
                self._actions(new, docs),
                chunk_size=BULK_CHUNK,
                max_retries=3,
                initial_backoff=1,
            )
            self._call(
                "finishing the rebuild",
                self.client.indices.put_settings,
                index=new,
                settings={"refresh_interval": None},
            )
            self._call("finishing the rebuild", self.client.indices.refresh, index=new)
            current = [name for name, aliased in versions.items() if aliased]
            actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in current]
            actions.append({"add": {"index": new, "alias": self.alias}})
            self._call("swapping the alias", self.client.indices.update_aliases, actions=actions)
        except BaseException:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self._ready = True
        for name in versions:
            self._call("dropping the old index", self.client.indices.delete, index=name, ignore_unavailable=True)
        return ok

    def clear(self) -> None:
        """Remove every document (an empty rebuild: the alias moves to a new empty index)."""
        self.rebuild([])

    # --- reading ------------------------------------------------------------------------------------------------

    def count(self) -> int:
        """Number of documents (nested pages are not counted)."""
        self._ensure()
        return int(self._call("counting", self.client.count, index=self.alias)["count"])

    def ids(self) -> Iterator[str]:
        """Every indexed document id, a thousand at a time (search_after on the id keyword)."""
        self._ensure()
        after = None
        while True:
            extra = {"search_after": after} if after else {}
            resp = self._call("listing documents", self.client.search, index=self.alias, query={"match_all": {}},
                              source=False, size=1000, sort=[{"id": {"order": "asc"}}], **extra)
            hits = resp["hits"]["hits"]
            for hit in hits:
                yield hit["_id"]
            if len(hits) < 1000:
                return
            after = hits[-1]["sort"]

    def get(self, doc_id: str) -> IndexDoc | None:
        """The indexed document with its pages, or None."""
        self._ensure()
        try:
            resp = self.client.get(index=self.alias, id=doc_id)
        except ApiError as exc:
            if exc.meta.status == 404:
                return None
            self._fail(exc, "reading a document")
        except (TransportConnectionError, ConnectionTimeout) as exc:
            self._fail(exc, "reading a document")
        return from_source(resp["_source"])

    def search(self, req: SearchRequest) -> SearchResult:
        """Ranked, access-filtered, faceted, paginated document hits with pages and highlights, in one request."""
        limit, offset = result_window(req)
        ast = q.parse(req.query)
        sort = req.sort
        if sort == "relevance" and isinstance(ast, q.MatchAll):
            sort = "date_desc"
        terms = q.positive_terms(ast)
        must: list[dict[str, Any]] = [compile_query(ast)]
        should: list[dict[str, Any]] = []
        if terms:
            located = compile_query(q.Or(tuple(terms)), PAGE_FIELDS)
            should = [
                {
                    "nested": {
                        "path": "pages",
                        "query": located,
                        "score_mode": "max",
                        "boost": 0.0,
                        "inner_hits": {
                            "name": "numbers",
                            "size": MAX_PAGES_PER_HIT,
                            "_source": False,
                            "docvalue_fields": ["pages.number"],
                        },
                    }
                },
                {
                    "nested": {
                        "path": "pages",
                        "query": located,
                        "score_mode": "max",
                        "boost": 0.0,
                        "inner_hits": {
                            "name": "best",
                            "size": HIGHLIGHT_PAGES,
                            "_source": {"includes": ["pages.number", "pages.text"]},
                        },
                    }
                },
            ]
        body: dict[str, Any] = {
            "query": {"bool": {"must": must, "should": should, "filter": access_filter(req)}},
            "from": offset,
            "size": limit,
            "track_total_hits": True,
            "_source": {"excludes": ["pages"]},
            "aggs": {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS},
        }
        if sort == "relevance":  # equal scores in a fixed order: the same page of hits after a reindex
            body["sort"] = [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
        else:
            field, descending = SORT_FIELDS[sort]
            body["sort"] = [{field: {"order": "desc" if descending else "asc"}}, {"id": {"order": "asc"}}]
        self._ensure()
        resp = self._call("searching", self.client.search, index=self.alias, **body)
        match = matcher(terms) if terms else None
        hits = [self._hit(h, match, sort) for h in resp["hits"]["hits"]]
        facets = {
            name: {str(b["key"]): int(b["doc_count"]) for b in resp["aggregations"][name]["buckets"]} for name in FACETS
        }
        return SearchResult(total=int(resp["hits"]["total"]["value"]), hits=hits, facets=facets)

    @staticmethod
    def _hit(h: dict[str, Any], match, sort: str) -> Hit:
        src = h["_source"]
        inner = h.get("inner_hits") or {}
        numbers = [p["fields"]["pages.number"][0] for p in inner.get("numbers", {}).get("hits", {}).get("hits", [])]
        highlights: list[str] = []
        if match is not None:
            for p in inner.get("best", {}).get("hits", {}).get("hits", []):
                snip = snippet(p["_source"].get("text") or "", match)
                if snip:
                    highlights.append(snip)
        return Hit(
            id=src["id"],
            title=src.get("title_raw"),
            score=float(h["_score"] or 0.0) if sort == "relevance" else 0.0,
            agency=src["agency"],
            doc_type=src["doc_type"],
            language=src.get("language"),
            issued_date=src.get("issued_date"),
            doc_number=src.get("doc_number"),
            dossier=src.get("dossier"),
            highlights=highlights,
            pages=sorted(set(numbers)),
        )

    def close(self) -> None:
        """Close the client's connections. Safe to call twice."""
        if not self._closed:
            self._closed = True
            self.client.close()
