"""The user query language, parsed into a small AST that every backend compiles with its own query constructors.

Syntax (forgiving: any input parses, nothing is ever passed to an engine's own query parser):

* words, implicitly ANDed: `Nguyen Duc Thanh`
* `"quoted phrases"` (an unclosed quote runs to the end of the input)
* `AND`, `OR`, `NOT` (upper case; lower-case `and`/`or`/`not` are ordinary words) and a leading `-word`
* a trailing `*` for a prefix: `quyet*`, also at the end of a phrase: `"land regist*"`
* parentheses; unbalanced ones are closed or ignored
* anything else — `field:value`, `agency:x`, `((`, `\\`, `~`, `^` — is just punctuation between words: a word such
  as `30/2020/NĐ-CP` or `agency:x` becomes the phrase of its parts (`30 2020 nđ cp`).

Precedence: NOT > AND (explicit or implicit) > OR. Words are stored in the exact form of `index.folding.tokens`
(lower case, tones kept); backends fold them again for the folded field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.folding import tokens

MAX_QUERY_CHARS = 2000
MAX_CLAUSES = 64  # words/phrases beyond this are ignored: a query is typed by a person, not a script
MAX_DEPTH = 16


@dataclass(frozen=True)
class Term:
    """One word (exact form). `prefix`: match every word starting with it."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Two or more words in this order. `prefix`: the last word is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class MatchAll:
    """The empty query: everything (still filtered by access and filters)."""


@dataclass(frozen=True)
class MatchNone:
    """A query with no searchable word in it (e.g. only punctuation)."""


Node = Term | Phrase | And | Or | Not | MatchAll | MatchNone

_LEX = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|"(?P<q>[^"]*)(?:"|$)|(?P<w>[^\s()"]+)')


def _lex(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _LEX.finditer(text):
        if m.group("lp"):
            out.append(("(", "("))
        elif m.group("rp"):
            out.append((")", ")"))
        elif m.group("q") is not None:
            out.append(("phrase", m.group("q")))
        elif m.group("w"):
            w = m.group("w")
            if w in ("AND", "OR", "NOT", "&&", "||"):
                out.append(({"&&": "AND", "||": "OR"}.get(w, w), w))
            elif w.startswith("-") and len(w) > 1:
                out.append(("NOT", "-"))
                out.append(("word", w[1:]))
            else:
                out.append(("word", w))
    return out


def _leaf(text: str) -> Node | None:
    prefix = text.rstrip().endswith("*")
    words = tokens(text)
    if not words:
        return None
    if len(words) == 1:
        return Term(words[0], prefix)
    return Phrase(tuple(words), prefix)


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.pos = 0
        self.clauses = 0

    def peek(self) -> str | None:
        return self.toks[self.pos][0] if self.pos < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def parse_or(self, depth: int) -> Node | None:
        items = [self.parse_and(depth)]
        while self.peek() == "OR":
            self.take()
            items.append(self.parse_and(depth))
        kept = [i for i in items if i is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def parse_and(self, depth: int) -> Node | None:
        items: list[Node] = []
        while True:
            kind = self.peek()
            if kind is None or kind == "OR" or (kind == ")" and depth > 0):
                break
            if kind == "AND":
                self.take()
                continue
            if kind == ")":  # stray closing parenthesis at top level
                self.take()
                continue
            node = self.parse_unary(depth)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self, depth: int) -> Node | None:
        negate = False
        while self.peek() == "NOT":
            self.take()
            negate = not negate
        node = self.parse_primary(depth)
        if node is None:
            return None
        return Not(node) if negate else node

    def parse_primary(self, depth: int) -> Node | None:
        if self.peek() is None:
            return None
        kind, text = self.take()
        if kind == "(":
            if depth >= MAX_DEPTH:  # pathological nesting: treat the parenthesis as punctuation
                return None
            inner = self.parse_or(depth + 1)
            if self.peek() == ")":
                self.take()
            return inner
        if kind in ("word", "phrase"):
            if self.clauses >= MAX_CLAUSES:
                return None
            leaf = _leaf(text)
            if leaf is not None:
                self.clauses += 1
            return leaf
        return None  # an operator in operand position ("AND AND", "OR" at the start): ignore it


def _anchor(node: Node) -> Node:
    """Give every negation something to subtract from: `-a` alone means "everything except a"."""
    if isinstance(node, Not):
        return And((MatchAll(), Not(_anchor(node.item))))
    if isinstance(node, Or):
        return Or(tuple(_anchor(i) for i in node.items))
    if isinstance(node, And):
        items = tuple(Not(_anchor(i.item)) if isinstance(i, Not) else _anchor(i) for i in node.items)
        if all(isinstance(i, Not) for i in items):
            items = (MatchAll(), *items)
        return And(items)
    return node


def parse(text: str) -> Node:
    """Parse user query text. Never raises; blank text is `MatchAll`, text without any word is `MatchNone`."""
    text = (text or "")[:MAX_QUERY_CHARS]
    if not text.strip():
        return MatchAll()
    node = _Parser(_lex(text)).parse_or(0)
    if node is None:
        return MatchNone()
    return _anchor(node)


def positive_terms(node: Node) -> list[Term | Phrase]:
    """The words and phrases that a hit matched (not those under NOT): what to highlight and locate pages by."""
    out: list[Term | Phrase] = []

    def walk(n: Node) -> None:
        if isinstance(n, Term | Phrase):
            out.append(n)
        elif isinstance(n, And | Or):
            for i in n.items:
                walk(i)

    walk(node)
    return out
