"""The embedded search backend: a tantivy index in a local directory (`RECORDS_HOME/index`).

Page-level hits — design
------------------------
Each Records document is one tantivy document: metadata, ACL fields, title, number, the words of all its pages,
and the text of each page (stored, in page order). Ranking, the total, facets, filters, sorting and pagination all
run on these, so results are exact per document and never need grouping. After the ranked hits for the requested
page of results are known, the pages of each hit are located in its stored page texts (`index.highlight.locate`:
each non-negated word or phrase of the query, folded as the index folds, phrases word after word), so a document
matching `a AND b` across pages lists both pages, and the three pages with the most marked words give the
highlighted snippets. Locating 20 hits' pages costs about what the per-page index documents of earlier versions
cost to query, and indexing no longer writes every multi-page document's words twice.

Words are indexed once, in their exact form (`folding.normalize`: lower case, tones kept), with positions; folded
matching happens at query time. A query word is searched as `folding.fold_pattern`, a regular expression over the
term dictionary that matches exactly the indexed words with the same `fold` (Nguyen, Nguyễn, Nguyên, ...; ي/ی/ى;
đ/d; ß/ss), plus its exact form as a boosted term, so the exact-tone match ranks first. Indexing a second, folded
copy of every word cost as much again as the first (half the indexing time); a regex walk of the term dictionary
costs a tenth of a millisecond per word. The tokenizer is tantivy's simple one without a lowercase filter
(`normalize` lowercases); query words go through the same analyzer, so index and query agree on words.

`body` holds the title, number and metadata words and then the page texts, so a phrase is one positional match on
it (it may span a page break); its presence in the title and number fields and its exact words add score; title and
number are boosted over body text. tantivy scores a regex query with a constant, so a folded word is matched on body
as a regex phrase of that one word at one position, which tantivy scores with BM25 (term frequency and length; its
idf is the same for every folded word, as the regex's document frequency is unknown).

Writes: each `upsert`/`delete`/`clear`/`rebuild` call opens the writer, deletes by id, adds, commits (atomic: a
crash leaves the last commit) and releases the writer, so another process (`records reindex`, a worker) can write
next; callers should batch. `rebuild(docs)` swaps the whole content in one commit (what `records reindex` uses).
Readers get a consistent snapshot per search (`Index.searcher()`), safe from many threads; another process's
commits become visible when the reader notices them (tantivy's on-commit reload, well under a second).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from documents.errors import TransientBackendError
from index import query as q
from index.base import (
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
    iso_date,
    result_window,
    sort_key,
    title_key,
)
from index.folding import MAX_TOKEN_BYTES, normalize
from index.highlight import locate, matcher
from index.memory import release_free_memory
from index.tantivy_query import QueryBuilder, day_num

# 4: tags as a keyword field (facet, filter); 5: added_key and title_key (sorts); 6: one tantivy document per
# Records document, page texts stored on it (no page documents), analyzers without a lowercase filter; 7: exact
# words only (folded matching by regex at query time), metadata words in body.
SCHEMA_VERSION = 7
MARKER = "records-index.json"
EXACT = "records_exact"  # simple tokenizer over `normalize`d (lower-case) text

FACET_SIZE = 50
HIGHLIGHT_PAGES = 3
WRITER_HEAP = 256_000_000
LOCK_WAIT_S = 30.0


class IndexBusy(TransientBackendError):
    """Another process holds the index writer for too long (e.g. a long `records reindex`); retry later."""


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", tokenizer_name="raw")  # delete by id (the stored meta holds it for reading)
    for name in ("body", "title", "number"):  # exact words with positions (phrases, folded by regex)
        sb.add_text_field(name, tokenizer_name=EXACT)
    for name in ("agency", "doc_type", "language", "dossier", "tags"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_text_field("readers", tokenizer_name="raw")  # owner + shared_with (when shared)
    sb.add_unsigned_field("public", indexed=True)
    sb.add_integer_field("date_num", indexed=True, fast=True)  # issued_date as yyyymmdd
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("sort_key", fast=True)  # yyyymmddHHMMSS of issued_date, else created_at
    sb.add_integer_field("added_key", indexed=True, fast=True)  # yyyymmddHHMMSS of created_at
    sb.add_text_field("title_key", tokenizer_name="raw", fast=True)  # folded title, for the A–Z sort
    sb.add_bytes_field("meta", stored=True)  # IndexDoc fields except pages, JSON
    sb.add_bytes_field("text", stored=True)  # the text of each page, UTF-8, one value per page in page order
    return sb.build()


def _analyzer() -> tantivy.TextAnalyzer:
    """The analyzer of `normalize`d text; also used on query words (which are), so index and query split alike."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .build()
    )


def _indexed_doc(tdoc: tantivy.Document) -> IndexDoc:
    """The `IndexDoc` stored in a tantivy document (its metadata and page texts)."""
    meta = json.loads(tdoc.get_first("meta"))
    numbers = meta.pop("page_numbers")
    texts = [t.decode() for t in tdoc.get_all("text")]
    return IndexDoc(**meta, pages=[IndexedPage(n, t) for n, t in zip(numbers, texts, strict=True)])


class TantivyIndex(SearchIndex):
    """`SearchIndex` on tantivy index files in `path` (created if missing)."""

    def __init__(self, path: Path | str, *, rebuild: bool = False) -> None:
        """Open or create the index. `rebuild=True` discards an existing (possibly corrupt) index first."""
        self.path = Path(path)
        self._schema = _schema()
        self._exact = _analyzer()
        self._queries = QueryBuilder(self._schema, self._exact)
        self._write_lock = threading.Lock()
        self._closed = False
        if rebuild:
            self._discard()
        self.path.mkdir(parents=True, exist_ok=True)
        marker = self.path / MARKER
        existing = (self.path / "meta.json").exists()
        if existing:
            try:
                version = json.loads(marker.read_text()).get("schema")
            except (OSError, ValueError):
                version = None
            if version != SCHEMA_VERSION:
                raise IndexCorrupt(
                    f"the search index in {self.path} was built by another version of Records (schema {version}, "
                    f"expected {SCHEMA_VERSION}); run `records reindex` to rebuild it from the object store"
                )
        else:  # marker first: a crash right after creating the files must not look like a foreign index
            marker.write_text(json.dumps({"schema": SCHEMA_VERSION}))
        try:
            self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
            self._index.register_tokenizer(EXACT, self._exact)
            self._index.reload()
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(
                f"the search index in {self.path} cannot be opened ({exc}); it is derived data: run "
                "`records reindex` to rebuild it from the object store"
            ) from exc

    def _discard(self) -> None:
        """Remove an old index directory, but only if it is one (never a stray user directory)."""
        if not self.path.exists():
            return
        names = {p.name for p in self.path.iterdir()}
        if names and not ({"meta.json", MARKER} & names):
            raise ValueError(f"{self.path} does not look like a search index; not deleting it")
        shutil.rmtree(self.path)

    # ---------------------------------------------------------------- writing

    def _writer(self) -> tantivy.IndexWriter:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                return self._index.writer(heap_size=WRITER_HEAP, num_threads=2)
            except ValueError as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    if "lock" in str(exc).lower():
                        raise IndexBusy(f"the search index in {self.path} is being written by another process") from exc
                    raise
                time.sleep(0.1)

    def _write(self, fn) -> None:
        if self._closed:
            raise RuntimeError("the search index is closed")
        with self._write_lock:
            writer = self._writer()
            try:
                fn(writer)
                writer.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            self._index.reload()
        release_free_memory()

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        check_doc(doc)
        pages = sorted(doc.pages, key=lambda p: p.number)
        meta = {k: v for k, v in doc.__dict__.items() if k != "pages"}
        meta["page_numbers"] = [p.number for p in pages]
        d = tantivy.Document()
        d.add_text("id", doc.id)
        d.add_bytes("meta", json.dumps(meta, ensure_ascii=False).encode())
        # body also holds the title, number and metadata words, so that a phrase needs one positional match (on
        # body) instead of one per field; the title and number fields only add score.
        if doc.title:
            title = normalize(doc.title)
            d.add_text("title", title)
            d.add_text("body", title)
        if doc.doc_number:
            number = normalize(doc.doc_number)
            d.add_text("number", number)
            d.add_text("body", number)
        extra = " ".join(x for x in (doc.issuing_body, doc.dossier, doc.dossier_title, *doc.tags) if x)
        if extra:
            d.add_text("body", normalize(extra))
        d.add_text("body", normalize("\n".join(p.text for p in pages)))
        d.add_text("agency", doc.agency)
        d.add_text("doc_type", doc.doc_type or "other")
        if doc.language:
            d.add_text("language", doc.language)
        if doc.dossier:
            d.add_text("dossier", doc.dossier)
        for tag in doc.tags:
            d.add_text("tags", tag)
        d.add_text("readers", doc.agency)
        if doc.visibility == "shared":
            for a in doc.shared_with:
                d.add_text("readers", a)
        d.add_unsigned("public", 1 if doc.visibility == "public" else 0)
        num = day_num(iso_date(doc.issued_date))
        if num is not None:
            d.add_integer("date_num", num)
            d.add_integer("year", num // 10000)
        d.add_integer("sort_key", sort_key(doc))
        d.add_integer("added_key", added_key(doc))
        d.add_text("title_key", title_key(doc))
        for p in pages:
            d.add_bytes("text", p.text.encode())
        return d

    def upsert(self, docs: Iterable[IndexDoc]) -> None:
        """Add or replace documents by id in one commit (the last of duplicate ids in the batch wins)."""
        latest: dict[str, IndexDoc] = {}
        for doc in docs:
            latest[doc.id] = doc
        if not latest:
            return
        built = [self._document(doc) for doc in latest.values()]  # validate everything before writing anything

        def apply(w: tantivy.IndexWriter) -> None:
            for doc_id, td in zip(latest, built, strict=True):
                w.delete_documents_by_term("id", doc_id)
                w.add_document(td)

        self._write(apply)

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents (and their pages) by id; unknown ids are ignored."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return

        def apply(w: tantivy.IndexWriter) -> None:
            for doc_id in ids:
                w.delete_documents_by_term("id", doc_id)

        self._write(apply)

    def clear(self) -> None:
        """Remove every document."""
        self._write(lambda w: w.delete_all_documents())

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Replace the whole content with `docs` in one commit; returns how many were indexed.

        Searches see the old content until the new one is complete (no empty or half-built index), and a crash
        leaves the old index. Writes from other processes wait for the writer meanwhile (up to LOCK_WAIT_S, then
        `IndexBusy`, which a queue retries), and land after the rebuild, so none is lost.
        """
        count = 0

        def apply(w: tantivy.IndexWriter) -> None:
            nonlocal count
            w.delete_all_documents()
            for doc in docs:
                w.add_document(self._document(doc))
                count += 1

        self._write(apply)
        return count

    # ---------------------------------------------------------------- reading

    def _searcher(self) -> tantivy.Searcher:
        if self._closed:
            raise RuntimeError("the search index is closed")
        return self._index.searcher()

    def _run(self, fn):
        """Run a read; tantivy errors on a readable-looking index mean damaged files."""
        try:
            return fn(self._searcher())
        except ValueError as exc:
            raise IndexCorrupt(
                f"reading the search index in {self.path} failed ({exc}); run `records reindex` to rebuild it"
            ) from exc

    def count(self) -> int:
        """Number of documents."""
        return self._run(lambda s: s.num_docs)

    def ids(self) -> Iterator[str]:
        """Every indexed document id."""

        def read(s: tantivy.Searcher) -> list[str]:
            hits = s.search(Query.all_query(), limit=max(1, s.num_docs)).hits
            return [json.loads(s.doc(addr).get_first("meta"))["id"] for _, addr in hits]

        return iter(self._run(read))

    def get(self, doc_id: str) -> IndexDoc | None:
        """The indexed document with its pages, or None."""

        def read(s: tantivy.Searcher) -> IndexDoc | None:
            hits = s.search(self._queries.term("id", doc_id), limit=1).hits
            if not hits:
                return None
            return _indexed_doc(s.doc(hits[0][1]))

        return self._run(read)

    # ---------------------------------------------------------------- search

    def search(self, req: SearchRequest) -> SearchResult:
        """Ranked, access-filtered, faceted, paginated document hits with pages and highlights."""
        limit, offset = result_window(req)
        ast = q.parse(req.query)
        filters = [(Occur.Must, f) for f in self._queries.filters(req)]
        sort = req.sort
        if sort == "relevance" and isinstance(ast, q.MatchAll):
            sort = "date_desc"
        terms = q.positive_terms(ast)

        def results(s: tantivy.Searcher, full: Query) -> SearchResult:
            n = max(limit, 1)  # tantivy panics on a zero limit; limit=0 asks only for the total and facets
            if sort == "relevance":
                res = s.search(full, limit=n, offset=offset, count=True)
            else:
                field, descending = SORT_FIELDS[sort]
                order = tantivy.Order.Desc if descending else tantivy.Order.Asc
                res = s.search(full, limit=n, offset=offset, count=True, order_by_field=field, order=order)
            facets = self._facets(s, full) if res.count else {name: {} for name in FACETS}
            match = matcher(terms) if terms else None
            hits = [self._hit(s, key, addr, terms, match, sort) for key, addr in res.hits[:limit]]
            return SearchResult(total=res.count, hits=hits, facets=facets)

        def run(s: tantivy.Searcher) -> SearchResult:
            try:
                return results(s, Query.boolean_query([(Occur.Must, self._queries.compile(ast)), *filters]))
            except ValueError as exc:
                # A phrase ending in a short prefix ("land r*") can expand to more words than tantivy's regex phrase
                # allows (16,384 per segment); such a phrase is then searched as its whole words in order and the
                # prefix anywhere in the document.
                if "max expansions" not in str(exc):
                    raise
                return results(s, Query.boolean_query([(Occur.Must, self._queries.compile(ast, False)), *filters]))

        return self._run(run)

    def _facets(self, s: tantivy.Searcher, full: Query) -> dict[str, dict[str, int]]:
        aggs = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACETS}
        raw = s.aggregate(full, aggs)
        out: dict[str, dict[str, int]] = {}
        for name in FACETS:
            buckets = raw.get(name, {}).get("buckets", [])
            out[name] = {
                str(int(b["key"]) if isinstance(b["key"], float) else b["key"]): b["doc_count"] for b in buckets
            }
        return out

    def _hit(self, s: tantivy.Searcher, key, addr, terms: list[q.Term | q.Phrase], match, sort: str) -> Hit:
        tdoc = s.doc(addr)
        meta = json.loads(tdoc.get_first("meta"))
        pages: list[int] = []
        highlights: list[str] = []
        if terms:
            texts = [t.decode() for t in tdoc.get_all("text")]
            pages, highlights = locate(list(zip(meta["page_numbers"], texts, strict=True)), terms, match,
                                       HIGHLIGHT_PAGES)
        return Hit(
            id=meta["id"],
            title=meta.get("title"),
            score=float(key) if sort == "relevance" else 0.0,
            agency=meta["agency"],
            doc_type=meta["doc_type"],
            language=meta.get("language"),
            issued_date=meta.get("issued_date"),
            doc_number=meta.get("doc_number"),
            dossier=meta.get("dossier"),
            highlights=highlights,
            pages=pages,
        )

    def close(self) -> None:
        """Drop the reader; later calls raise. Safe to call twice."""
        self._closed = True
