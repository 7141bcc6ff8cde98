"""Backend-independent highlighting: HTML-escaped snippets of page text with matched words in <mark>…</mark>.

Matching is on the folded form, as the index matches (so `Nguyen` marks `Nguyễn`, `كتاب` marks `کتاب`, `2023`
marks `۲۰۲۳`), for the words of the parsed query that are not negated (`index.query.positive_terms`); words of a
phrase are marked one by one. The page's words are found by one precompiled regex and compared by their folded form
(cached per distinct word), so the cost per page is a C-speed scan, not a per-query regex compilation.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from index.folding import RAW_WORD, fold_normalized, raw_word_tokens
from index.query import Phrase, Term

SNIPPET_CHARS = 240
MAX_MARKS = 12

_JOINERS = frozenset("\u0640\u0670\u200c\u200d\u00ad") | {
    chr(c) for c in (*range(0x0300, 0x0370), *range(0x064B, 0x0660))
}
_FOLDED: dict[str, tuple[str, ...]] = {}  # raw word -> its folded words; bounded, shared by all searches
_FOLDED_MAX = 200_000


def _folded_forms(raw: str) -> tuple[str, ...]:
    forms = _FOLDED.get(raw)
    if forms is None:
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        forms = _FOLDED[raw] = tuple(fold_normalized(w) for w in raw_word_tokens(raw))
    return forms


_CHUNKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}  # whitespace-delimited chunk -> (word, forms)


def _chunk_words(chunk: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    words = _CHUNKS.get(chunk)
    if words is None:
        if len(_CHUNKS) >= _FOLDED_MAX:
            _CHUNKS.clear()
        words = _CHUNKS[chunk] = tuple((w, _folded_forms(w)) for w in RAW_WORD.findall(chunk))
    return words


def _is_word_char(c: str) -> bool:
    return (c.isalnum() and c != "_") or c in _JOINERS


class Matcher:
    """Finds the raw-text spans of the query's non-negated words (folded, prefix-aware)."""

    def __init__(self, whole: frozenset[str], prefixes: tuple[str, ...]) -> None:
        self.whole = whole
        self.prefixes = prefixes
        self._seen: dict[str, bool] = {}

    def hit(self, raw: str, forms: tuple[str, ...]) -> bool:
        """Does this raw word (with its folded `forms`) match one of the query's words?"""
        seen = self._seen.get(raw)
        if seen is None:
            seen = self._seen[raw] = any(
                f in self.whole or (bool(self.prefixes) and f.startswith(self.prefixes)) for f in forms
            )
        return seen

    def spans(self, text: str, limit: int) -> list[tuple[int, int]]:
        """Up to `limit` (start, end) spans of matching words, in text order.

        The page is cut at whitespace (fast), each distinct chunk is split into words and folded once per process
        (cached), and the matching words are located with str.find: no per-query regex to compile and no Python
        loop over every word of the page.
        """
        targets = {raw for chunk in set(text.split()) for raw, forms in _chunk_words(chunk) if self.hit(raw, forms)}
        found: list[tuple[int, int]] = []
        n = len(text)
        for w in targets:
            start = 0
            while True:
                i = text.find(w, start)
                if i < 0:
                    break
                j = i + len(w)
                if (i == 0 or not _is_word_char(text[i - 1])) and (j == n or not _is_word_char(text[j])):
                    found.append((i, j))
                start = j
        found.sort()
        return found[:limit]


def matcher(terms: Iterable[Term | Phrase]) -> Matcher | None:
    """The matcher for the words of `terms` (from `index.query.positive_terms`); None when there are none."""
    whole: set[str] = set()
    prefixes: list[str] = []
    for t in terms:
        folded = [fold_normalized(w) for w in ([t.word] if isinstance(t, Term) else t.words)]
        if t.prefix:
            prefixes.append(folded.pop())
        whole.update(folded)
    if not whole and not prefixes:
        return None
    return Matcher(frozenset(whole), tuple(prefixes))


def snippet(text: str, match: Matcher | None, width: int = SNIPPET_CHARS) -> str | None:
    """The window of about `width` characters of `text` with the most matches, marked and escaped; None if none."""
    if match is None:
        return None
    spans = match.spans(text, MAX_MARKS)
    if not spans:
        return None
    # Pick the window (anchored a little before a match) that covers the most matches.
    best_i, best_n, j = 0, 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - s <= width:
            j += 1
        if j - i + 1 > best_n:
            best_i, best_n = i, j - i + 1
    first = spans[best_i][0]
    lo = max(0, first - width // 4)
    if lo > 0:
        cut = text.rfind(" ", lo - 20, first)
        lo = cut + 1 if cut >= lo - 20 else lo
    hi = min(len(text), lo + width)
    if hi < len(text):
        cut = text.rfind(" ", hi - 30, hi)
        hi = cut if cut > spans[best_i][1] else hi
    out: list[str] = ["…"] if lo > 0 else []
    pos = lo
    for s, e in spans:
        if s < lo or e > hi:
            continue
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:hi]))
    if hi < len(text):
        out.append("…")
    return " ".join("".join(out).split())
