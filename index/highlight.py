"""Backend-independent highlighting: HTML-escaped snippets of page text with matched words in <mark>…</mark>.

Matching is on the folded form, as the index matches (so `Nguyen` marks `Nguyễn`, `كتاب` marks `کتاب`, `2023`
marks `۲۰۲۳`), for the words of the parsed query that are not negated (`index.query.positive_terms`); words of a
phrase are marked one by one. A page is folded character by character into a copy of the same length (one
`str.translate`), and one small regex of the folded query words finds the matches in it.

`locate` finds the pages of a document that a query's words and phrases match, in the same folded copy, for the
embedded backend (which keeps one index document per Records document and the page texts beside it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import islice

from index.folding import fold, fold_normalized
from index.query import Phrase, Term

SNIPPET_CHARS = 240
MAX_MARKS = 12

# Code points whose folded form is mapped for highlighting: Latin, Greek, Cyrillic, combining marks, Arabic script,
# presentation and fullwidth forms, invisible format characters.
_MAPPED_RANGES = (
    range(0x41, 0x5B),
    range(0xAD, 0xAE),
    range(0xC0, 0x530),
    range(0x0600, 0x0700),
    range(0x0750, 0x0780),
    range(0x08A0, 0x0900),
    range(0x1AB0, 0x1B00),
    range(0x1DC0, 0x1F00),
    range(0x200B, 0x2010),
    range(0x202A, 0x202F),
    range(0x2060, 0x2065),
    range(0x20D0, 0x2100),
    range(0xFB50, 0xFE00),
    range(0xFE20, 0xFE30),
    range(0xFE70, 0xFF00),
    range(0xFF10, 0xFF5B),
)
_GLUE = "\x00"  # what a mark, tatweel or ZWNJ becomes: part of the word it sits in, matching nothing itself
# Between the words of a phrase: the end of the word (glue), then punctuation or space, as the engines' simple
# tokenizers split (`_` separates words too).
_BETWEEN = r"\x00*(?:[^\w\x00]|_)+"
_HEAD = r"(?<![^\W_])(?<!\x00)"


@lru_cache(maxsize=1)
def _char_fold() -> dict[int, str]:
    """A length-preserving fold, character by character: each character becomes its one-character folded form
    (Ễ -> e, ک -> ك, ۲ -> 2), a removed character (marks, tatweel, format characters) becomes `_GLUE`, and a
    character that folds to several (ß -> ss) stays as it is. Offsets in the folded copy are offsets in the text."""
    table: dict[int, str] = {}
    for r in _MAPPED_RANGES:
        for cp in r:
            c = chr(cp)
            f = fold(c)
            if f == "":
                table[cp] = _GLUE
            elif len(f) == 1 and f != c:
                table[cp] = f
    return table


def _body(folded: str) -> str:
    return (_GLUE + "*").join(re.escape(c) for c in folded)


def _tail(prefix: bool) -> str:
    return r"(?:[^\W_]|\x00)*" if prefix else r"\x00*(?![^\W_])"


@lru_cache(maxsize=4096)
def _word_pattern(folded: str, prefix: bool) -> str:
    return _HEAD + _body(folded) + _tail(prefix)


def fold_copy(text: str) -> str:
    """The same-length folded copy of `text` in which the patterns of this module match."""
    return text.lower() if text.isascii() else text.translate(_char_fold())


class Matcher:
    """Finds the spans of the query's non-negated words in raw page text (folded, prefix-aware)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def spans(self, text: str, limit: int) -> list[tuple[int, int]]:
        """Up to `limit` (start, end) spans of matching words, in text order.

        One C-speed pass folds a copy of the page character by character (same length, so offsets carry over),
        then one small regex of the folded query words runs over it: no Python loop over the page's words.
        """
        return self.spans_in(fold_copy(text), limit)

    def spans_in(self, folded: str, limit: int) -> list[tuple[int, int]]:
        """`spans` in a copy already made by `fold_copy`."""
        return [m.span() for m in islice(self.pattern.finditer(folded), limit)]


def matcher(terms: Iterable[Term | Phrase]) -> Matcher | None:
    """The matcher for the words of `terms` (from `index.query.positive_terms`); None when there are none."""
    keys: dict[tuple[str, bool], None] = {}
    for t in terms:
        words = [t.word] if isinstance(t, Term) else list(t.words)
        for i, w in enumerate(words):
            f = fold_normalized(w)
            if f:
                keys[(f, t.prefix and i == len(words) - 1)] = None
    if not keys:
        return None
    # Longest first, so that of two words starting at one place the longer one is marked.
    parts = sorted((_word_pattern(f, p) for f, p in keys), key=len, reverse=True)
    return Matcher(_compile("|".join(parts)))


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@lru_cache(maxsize=1024)
def _term_pattern(term: Term | Phrase) -> re.Pattern[str] | None:
    """Where `term` matches in a folded copy: a word (prefix-aware), or the words of a phrase one after another."""
    words = [f for f in (fold_normalized(w) for w in ([term.word] if isinstance(term, Term) else term.words)) if f]
    if not words:
        return None
    return re.compile(_HEAD + _BETWEEN.join(_body(w) for w in words) + _tail(term.prefix))


def locate(
    pages: Sequence[tuple[int, str]], terms: Iterable[Term | Phrase], match: Matcher | None, best: int
) -> tuple[list[int], list[str]]:
    """The numbers of the `pages` ((number, text) pairs) on which any of `terms` matches, in page order, and the
    snippets of the `best` pages with the most marked words."""
    patterns = [p for p in (_term_pattern(t) for t in terms) if p is not None]
    if match is None or not patterns:
        return [], []
    found = []
    for number, text in pages:
        folded = fold_copy(text)
        if any(p.search(folded) for p in patterns):
            found.append((number, text, match.spans_in(folded, MAX_MARKS)))
    ranked = sorted(found, key=lambda f: (-len(f[2]), f[0]))[:best]
    return sorted(f[0] for f in found), [s for s in (_window(text, spans) for _, text, spans in ranked) if s]


def snippet(text: str, match: Matcher | None, width: int = SNIPPET_CHARS) -> str | None:
    """The window of about `width` characters of `text` with the most matches, marked and escaped; None if none."""
    return None if match is None else _window(text, match.spans(text, MAX_MARKS), width)


def _window(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str | None:
    """The snippet of `text` around the densest of `spans`, marked and escaped; None without spans."""
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
