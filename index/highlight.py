"""Backend-independent highlighting: HTML-escaped snippets of page text with matched words in <mark>…</mark>.

Matching is on the folded form, exactly as the index matches (so `Nguyen` marks `Nguyễn`), using the words of the
parsed query that are not negated (`index.query.positive_terms`). Words of a phrase are marked one by one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from index.folding import RAW_WORD, fold_normalized, raw_word_tokens
from index.query import Phrase, Term

SNIPPET_CHARS = 240


def matcher(terms: Iterable[Term | Phrase]) -> Callable[[str], bool]:
    """A predicate on exact-form words: does this word match one of the query's words (folded, prefix-aware)?"""
    whole: set[str] = set()
    prefixes: list[str] = []
    for t in terms:
        words = [t.word] if isinstance(t, Term) else list(t.words)
        folded = [fold_normalized(w) for w in words]
        if t.prefix:
            prefixes.append(folded.pop())
        whole.update(folded)
    pre = tuple(prefixes)
    cache: dict[str, bool] = {}

    def match(word: str) -> bool:
        hit = cache.get(word)
        if hit is None:
            f = fold_normalized(word)
            hit = cache[word] = f in whole or (bool(pre) and f.startswith(pre))
        return hit

    return match


def snippet(text: str, match: Callable[[str], bool], width: int = SNIPPET_CHARS) -> str | None:
    """The window of about `width` characters of `text` with the most matches, marked and escaped; None if none."""
    spans: list[tuple[int, int]] = []
    seen: dict[str, bool] = {}
    for m in RAW_WORD.finditer(text):
        raw = m.group()
        hit = seen.get(raw)
        if hit is None:
            hit = seen[raw] = any(match(w) for w in raw_word_tokens(raw))
        if hit:
            spans.append(m.span())
    if not spans:
        return None
    # Pick the window (anchored a little before a match) that covers the most matches.
    best_i, best_n = 0, 0
    j = 0
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
