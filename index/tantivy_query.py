"""Parsed queries (`index.query`) and request filters as tantivy queries, over the schema of `index.tantivy_index`.

Folded matching happens here: a query word is searched as `folding.fold_pattern`, a regular expression over the term
dictionary of the exact-form fields, plus its exact form as a boosted term (see `index.tantivy_index`).
"""

from __future__ import annotations

from datetime import date

import tantivy
from tantivy import Occur, Query

from index import query as q
from index.base import DOC_FIELDS, SearchRequest, date_range, term_filters, timestamp_key
from index.folding import fold_pattern

# The boosts of every backend's fields (index.base.DOC_FIELDS): here the folded fields' boosts go to the folded
# (regex) matches on the exact fields; body and metadata words, folded, score 1.
_BOOSTS = {field: boost for field, boost, _ in DOC_FIELDS}
NUMBER_BOOST = _BOOSTS["number_f"]
TITLE_EXACT_BOOST = _BOOSTS["title"]
TITLE_BOOST = _BOOSTS["title_f"]
BODY_EXACT_BOOST = _BOOSTS["body"]


def day_num(d: date | None) -> int | None:
    """yyyymmdd as an integer (tantivy's date range filter runs on it)."""
    return None if d is None else d.year * 10000 + d.month * 100 + d.day


class QueryBuilder:
    """Builds the tantivy queries of one index (its schema, and the analyzer its exact fields were indexed with)."""

    def __init__(self, schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer) -> None:
        self._schema = schema
        self._analyzer = analyzer

    def term(self, field: str, value) -> Query:
        """Documents whose `field` holds `value` (untokenized fields: ids, agencies, flags)."""
        return Query.term_query(self._schema, field, value)

    def _flag(self, field: str) -> Query:
        return Query.term_query(self._schema, field, 1)

    def _filter(self, x: Query) -> Query:
        return Query.const_score_query(x, 0.0)

    def _word_query(self, node: q.Term | q.Phrase, prefix_phrases: bool) -> Query:
        words = [node.word] if isinstance(node, q.Term) else list(node.words)
        exact = [t for w in words for t in self._analyzer.analyze(w)]  # re-split as the index splits
        if not exact:
            return Query.empty_query()
        if node.prefix and len(exact) > 1 and not prefix_phrases:
            # Too many words start with the prefix for a positional match: the words before it as a phrase, and a
            # word starting with the prefix anywhere in the document.
            head = q.Phrase(tuple(exact[:-1])) if len(exact) > 2 else q.Term(exact[0])
            return Query.boolean_query([
                (Occur.Must, self._word_query(head, prefix_phrases)),
                (Occur.Must, self._word_query(q.Term(exact[-1], prefix=True), prefix_phrases)),
            ])
        prefix = node.prefix
        patterns = [fold_pattern(w, prefix and n == len(exact) - 1) for n, w in enumerate(exact)]
        if len(exact) > 1:
            return self._phrase_query(exact, patterns, prefix)
        word, pattern = exact[0], patterns[0]
        if prefix:
            # Words are letters and digits only (folding.tokens), so there is nothing to escape.
            exact_q = Query.regex_query(self._schema, "body", word + ".*")
            folded = Query.regex_query(self._schema, "body", pattern)
        else:
            exact_q = Query.term_query(self._schema, "body", word)
            # One regex at one position: a phrase, which tantivy scores with BM25 (a regex query scores a constant).
            folded = exact_q if pattern == word else Query.regex_phrase_query(
                self._schema, "body", [(0, pattern), (0, pattern)])
        title_exact = Query.regex_query(self._schema, "title", word + ".*") if prefix else (
            Query.term_query(self._schema, "title", word))
        return Query.boolean_query([
            (Occur.Should, Query.boost_query(Query.regex_query(self._schema, "number", pattern), NUMBER_BOOST)),
            (Occur.Should, Query.boost_query(title_exact, TITLE_EXACT_BOOST)),
            (Occur.Should, Query.boost_query(Query.regex_query(self._schema, "title", pattern), TITLE_BOOST)),
            (Occur.Should, Query.boost_query(exact_q, BODY_EXACT_BOOST)),
            (Occur.Should, folded),
        ])

    def _phrase_query(self, exact: list[str], patterns: list[str], prefix: bool) -> Query:
        """A phrase must match on body, which holds every word of the document (one positional match); the phrase in
        the title and number fields and the exact words only add score (checked only on the matches), so the
        exact-tone phrase ranks first without a second positional match."""
        match = Query.regex_phrase_query(self._schema, "body", patterns)
        scored = exact[:-1] if prefix else exact
        boosts = [
            (Occur.Should, Query.boost_query(Query.regex_phrase_query(self._schema, field, patterns), boost))
            for field, boost in (("number", NUMBER_BOOST), ("title", TITLE_BOOST))
        ] + [
            (Occur.Should, Query.boost_query(Query.term_query(self._schema, field, w), boost))
            for field, boost in (("title", TITLE_EXACT_BOOST), ("body", BODY_EXACT_BOOST))
            for w in scored
        ]
        return Query.boolean_query([(Occur.Must, match), *boosts])

    def compile(self, node: q.Node, prefix_phrases: bool = True) -> Query:
        """The tantivy query of a parsed query; `prefix_phrases=False` matches a phrase's trailing prefix anywhere in
        the document instead of right after the phrase."""
        if isinstance(node, q.Term | q.Phrase):
            return self._word_query(node, prefix_phrases)
        if isinstance(node, q.And):
            return Query.boolean_query(
                [
                    (Occur.MustNot, self.compile(i.item, prefix_phrases))
                    if isinstance(i, q.Not)
                    else (Occur.Must, self.compile(i, prefix_phrases))
                    for i in node.items
                ]
            )
        if isinstance(node, q.Or):
            return Query.boolean_query([(Occur.Should, self.compile(i, prefix_phrases)) for i in node.items])
        if isinstance(node, q.Not):  # parser anchors negations; kept for safety
            return Query.boolean_query(
                [(Occur.Must, Query.all_query()), (Occur.MustNot, self.compile(node.item, prefix_phrases))]
            )
        if isinstance(node, q.MatchAll):
            return Query.all_query()
        return Query.empty_query()

    def filters(self, req: SearchRequest) -> list[Query]:
        """The request's access rule and filters, as queries that do not score."""
        out = []
        a = req.access
        if not a.all_agencies:
            allowed = [(Occur.Should, self._flag("public"))]
            if a.agency:
                allowed.append((Occur.Should, self.term("readers", a.agency)))
            out.append(Query.boolean_query(allowed))
        for field, values in term_filters(req):
            out.append(self.term(field, values[0]) if len(values) == 1 else
                       Query.boolean_query([(Occur.Should, self.term(field, v)) for v in values]))
        if req.added_after:  # strictly after: keys have whole seconds
            out.append(Query.range_query(self._schema, "added_key", tantivy.FieldType.Integer,
                                         timestamp_key(req.added_after) + 1, None))
        lo, hi = (day_num(d) for d in date_range(req))
        if lo is not None or hi is not None:
            out.append(Query.range_query(self._schema, "date_num", tantivy.FieldType.Integer, lo, hi))
        return [self._filter(x) for x in out]
