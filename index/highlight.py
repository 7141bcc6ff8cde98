"""Backend-independent highlighting: HTML-escaped snippets of page text with matched words in <mark>…</mark>.

Matching is on the folded form, as the index matches (so `Nguyen` marks `Nguyễn`, `كتاب` marks `کتاب`, `2023`
marks `۲۰۲۳`), for the words of the parsed query that are not negated (`index.query.positive_terms`); words of a
phrase are marked one by one. Each folded query word becomes one regular expression over the *raw* page text
(every letter a class of the characters that fold to it, marks allowed between letters), so finding matches in a
page runs in the regex engine, not word by word in Python.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice

from index.folding import fold, fold_normalized
from index.query import Phrase, Term

SNIPPET_CHARS = 240
MAX_MARKS = 12

# Characters that may sit inside a word of raw text and vanish on normalization (marks, tatweel, ZWNJ/ZWJ, SHY).
_MARKS = "[\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d\u00ad]*"
_BEFORE = r"(?<![^\W_])"
_AFTER = r"(?![^\W_])"
_FOLD_RANGES = (
    range(0x30, 0x3A),
    range(0x41, 0x5B),
    range(0x61, 0x7B),
    range(0xC0, 0x250),
    range(0x1E00, 0x1F00),
    range(0x0600, 0x0700),
    range(0x0750, 0x0780),
    range(0xFB50, 0xFE00),
    range(0xFE70, 0xFF00),
    range(0xFF10, 0xFF5B),
)


@lru_cache(maxsize=1)
def _inverse_fold() -> dict[str, str]:
    """folded character -> a regex class body of every character that folds to it (built once, ~3,000 chars)."""
    groups: dict[str, set[str]] = {}
    for r in _FOLD_RANGES:
        for cp in r:
            c = chr(cp)
            f = fold(c)
            if len(f) == 1:
                groups.setdefault(f, {f}).add(c)
    return {f: "".join(re.escape(c) for c in sorted(cs)) for f, cs in groups.items()}


def _word_pattern(folded: str, prefix: bool) -> str:
    inv = _inverse_fold()
    body = "".join(f"[{inv.get(c, re.escape(c))}]{_MARKS}" for c in folded)
    tail = r"(?:[^\W_]|" + _MARKS[:-1] + ")*" if prefix else _AFTER
    return _BEFORE + body + tail


def matcher(terms: Iterable[Term | Phrase]) -> re.Pattern[str] | None:
    """One compiled pattern matching, in raw text, any word of the query's non-negated words (prefix-aware)."""
    parts: list[str] = []
    for t in terms:
        words = [t.word] if isinstance(t, Term) else list(t.words)
        for i, w in enumerate(words):
            parts.append(_word_pattern(fold_normalized(w), t.prefix and i == len(words) - 1))
    if not parts:
        return None
    # Longest first so a prefix or longer word wins over a shorter alternative at the same position.
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(dict.fromkeys(parts)), re.IGNORECASE)


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = SNIPPET_CHARS) -> str | None:
    """The window of about `width` characters of `text` with the most matches, marked and escaped; None if none."""
    if pattern is None:
        return None
    spans = [m.span() for m in islice(pattern.finditer(text), MAX_MARKS)]
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
