"""Property-based tests (Hypothesis) of the query parser and the date and number extractors: they never fail on any
input, never invent what is not in the text, and find every well-formed value wherever it stands."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.folding import tokens
from index.query import MAX_CLAUSES, And, MatchAll, MatchNone, Node, Not, Or, Phrase, Term, parse, positive_terms
from metadata.dates import find_dates
from metadata.digits import to_ascii_digits
from metadata.vietnamese import parse_header

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzđăâêôơưáàảãạếềểễệ"), min_size=1, max_size=8)
QUERY_TEXT = st.lists(st.sampled_from([*'abcđ xyz"()*-:/\\~^&|ếỆ٢۳\t\n', " AND ", " OR ", " NOT ", "-", "(("]),
                      max_size=60).map("".join) | st.text(max_size=80)


def _leaves(node: Node) -> list[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, And | Or):
        return [leaf for item in node.items for leaf in _leaves(item)]
    if isinstance(node, Not):
        return _leaves(node.item)
    return []


def _depth(node: Node) -> int:
    if isinstance(node, And | Or):
        return 1 + max((_depth(i) for i in node.items), default=0)
    if isinstance(node, Not):
        return 1 + _depth(node.item)
    return 0


@FAST
@given(QUERY_TEXT)
def test_any_query_text_parses_and_invents_no_word(text: str) -> None:
    node = parse(text)
    assert isinstance(node, Term | Phrase | And | Or | Not | MatchAll | MatchNone)
    words = set(tokens(text))
    leaves = _leaves(node)
    for leaf in leaves:
        for word in (leaf.word,) if isinstance(leaf, Term) else leaf.words:
            assert word in words, (text, word)
    assert len(leaves) <= MAX_CLAUSES
    assert _depth(node) < 80
    if not text.strip():
        assert node == MatchAll()
    # a NOT never stands alone: it always subtracts from something
    if isinstance(node, Not):
        raise AssertionError(f"bare NOT for {text!r}")


@FAST
@given(st.lists(WORD, min_size=1, max_size=10))
def test_plain_words_are_all_required_in_order(words: list[str]) -> None:
    node = parse(" ".join(words))
    expected = [Term(w) for w in words if tokens(w)]
    if len(expected) == 1:
        assert node == expected[0]
    else:
        assert node == And(tuple(expected))
    assert positive_terms(node) == expected


@FAST
@given(st.lists(WORD, min_size=1, max_size=5), st.lists(WORD, min_size=1, max_size=3))
def test_excluded_words_are_never_positive(wanted: list[str], excluded: list[str]) -> None:
    text = " ".join(wanted) + " " + " ".join(f"-{w}" for w in excluded)
    positives = {t.word for t in positive_terms(parse(text)) if isinstance(t, Term)}
    assert positives == set(wanted)


@FAST
@given(st.text(max_size=200))
def test_find_dates_never_fails_and_reports_real_dates_in_order(text: str) -> None:
    hits = find_dates(text)
    for hit in hits:
        parsed = date.fromisoformat(hit.iso)
        assert 1900 <= parsed.year <= 2100 or hit.calendar == "hijri"
        assert 0 <= hit.start < hit.end <= len(text)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


FORMS = (
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{d.day}.{d.month}.{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}",
    lambda d: f"{d.day} {date(2000, d.month, 1).strftime('%B')} {d.year}",
    lambda d: f"{date(2000, d.month, 1).strftime('%B')} {d.day}, {d.year}",
)


@FAST
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(FORMS),
       st.sampled_from(["", "Issued on ", "Hà Nội, ", "Ref. 12 of "]), st.sampled_from(["", ".", " at noon", ";"]))
def test_every_written_date_is_found(day: date, form, before: str, after: str) -> None:
    written = form(day)
    if form is FORMS[0] and day.day <= 12 < day.month:  # cannot happen: day first
        return
    hits = find_dates(before + written + after)
    assert day.isoformat() in [h.iso for h in hits], (before + written + after, hits)


@FAST
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_arabic_indic_digits_read_as_ascii(day: date) -> None:
    written = f"{day.day:02d}/{day.month:02d}/{day.year}"
    eastern = written.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    arabic = written.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert to_ascii_digits(eastern) == to_ascii_digits(arabic) == written
    assert [h.iso for h in find_dates(to_ascii_digits(eastern))] == [day.isoformat()]


KINDS = ("QĐ", "TB", "CV", "BC", "KH", "NQ", "CT", "TTr")
ORGS = ("UBND", "SNV", "STNMT", "HĐND", "BTC")


@FAST
@given(st.integers(min_value=1, max_value=99999), st.one_of(st.none(), st.integers(min_value=1945, max_value=2100)),
       st.sampled_from(KINDS), st.sampled_from(ORGS), st.sampled_from(["/", " / ", "/ "]),
       st.sampled_from(["-", " - ", "- "]))
def test_document_numbers_are_read_whatever_the_spacing(n: int, year: int | None, kind: str, org: str, slash: str,
                                                        dash: str) -> None:
    written = f"{n}{slash}{f'{year}{slash}' if year else ''}{kind}{dash}{org}"
    lines = ["ỦY BAN NHÂN DÂN TỈNH BẮC NINH", f"Số: {written}", "QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch"]
    header = parse_header(lines)
    assert header.number == f"{n}/{f'{year}/' if year else ''}{kind}-{org}", (written, header)


@FAST
@given(st.text(max_size=300))
def test_header_parser_never_fails(text: str) -> None:
    header = parse_header(text.splitlines())
    if header.number is not None:
        assert "/" in header.number and header.number.split("/")[0].isdigit()
