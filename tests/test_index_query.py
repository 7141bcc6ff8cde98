"""The query parser: any input parses to an AST of words, phrases and boolean operators; nothing reaches an engine."""

from __future__ import annotations

import pytest

from index.query import MAX_CLAUSES, And, MatchAll, MatchNone, Not, Or, Phrase, Term, parse, positive_terms

T = Term
ALL = MatchAll()


@pytest.mark.parametrize(
    ("query", "ast"),
    [
        ("", ALL),
        ("   ", ALL),
        ("word", T("word")),
        ("Nguyễn Đức", And((T("nguyễn"), T("đức")))),
        ("a AND b", And((T("a"), T("b")))),
        ("a OR b", Or((T("a"), T("b")))),
        ("a && b || c", Or((And((T("a"), T("b"))), T("c")))),
        ("a b OR c", Or((And((T("a"), T("b"))), T("c")))),
        ("a OR b c", Or((T("a"), And((T("b"), T("c")))))),
        ("(a OR b) c", And((Or((T("a"), T("b"))), T("c")))),
        ("a -b", And((T("a"), Not(T("b"))))),
        ("a NOT b", And((T("a"), Not(T("b"))))),
        ("-b", And((ALL, Not(T("b"))))),
        ("NOT b", And((ALL, Not(T("b"))))),
        ("NOT NOT b", T("b")),
        ("a OR -b", Or((T("a"), And((ALL, Not(T("b"))))))),
        ('"quyết định"', Phrase(("quyết", "định"))),
        ('"quyết định" số', And((Phrase(("quyết", "định")), T("số")))),
        ('"single"', T("single")),
        ('"unclosed phrase', Phrase(("unclosed", "phrase"))),
        ("quy*", T("quy", prefix=True)),
        ('"land regist*"', Phrase(("land", "regist"), prefix=True)),
        ("*", MatchNone()),
        ("-", MatchNone()),
        ("((", MatchNone()),
        ("AND OR NOT", MatchNone()),
        ("a AND", T("a")),
        ("OR a", T("a")),
        (")a(", T("a")),
        ("(a OR (b", Or((T("a"), T("b")))),
        ("and or not", And((T("and"), T("or"), T("not")))),  # lower case: ordinary words
        ("agency:B", Phrase(("agency", "b"))),
        ("field:value OR x", Or((Phrase(("field", "value")), T("x")))),
        ("30/2020/NĐ-CP", Phrase(("30", "2020", "nđ", "cp"))),
        ("۲۰۲۳", T("2023")),
        ("title:x^10~2", Phrase(("title", "x", "10", "2"))),
        ("a_b", Phrase(("a", "b"))),
    ],
)
def test_parse(query: str, ast: object) -> None:
    assert parse(query) == ast


@pytest.mark.parametrize(
    "query",
    ["(" * 10_000, ")" * 10_000, '"' * 9_999, "NOT " * 5_000, "a OR " * 3_000, "-" * 10_000, "\x00\ud800\uffff", None],
)
def test_pathological_input_parses(query: str | None) -> None:
    parse(query)  # type: ignore[arg-type]  # must not raise (None: a missing parameter)


def test_clause_limit() -> None:
    ast = parse(" ".join(f"w{i}" for i in range(MAX_CLAUSES + 50)))
    assert isinstance(ast, And)
    assert len(ast.items) == MAX_CLAUSES


@pytest.mark.parametrize(
    ("query", "positive"),
    [
        ("a -b", [T("a")]),
        ("a OR NOT (b c)", [T("a")]),
        ('"x y" OR z*', [Phrase(("x", "y")), T("z", prefix=True)]),
        ("-a", []),
        ("", []),
    ],
)
def test_positive_terms(query: str, positive: list) -> None:
    assert positive_terms(parse(query)) == positive
