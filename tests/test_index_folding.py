"""Folding: the exact form keeps Vietnamese tones; the folded form unifies tones, đ, Arabic-script variants, digits."""

from __future__ import annotations

import pytest

from index.folding import fold, fold_pattern, normalize, prefold, tokens
from index.highlight import matcher, snippet
from index.query import parse, positive_terms


@pytest.mark.parametrize(
    ("text", "exact", "folded"),
    [
        ("Nguyễn Đức Thanh", "nguyễn đức thanh", "nguyen duc thanh"),
        ("NGUYỄN ĐỨC THANH", "nguyễn đức thanh", "nguyen duc thanh"),
        ("Nguye\u0302\u0303n", "nguyễn", "nguyen"),  # NFD in, NFC out
        ("Đặng Thị Đào", "đặng thị đào", "dang thi dao"),
        ("ưởng ơn", "ưởng ơn", "uong on"),
        ("Straße Æsop", "straße æsop", "strasse aesop"),
        ("ﬁle", "file", "file"),  # NFKC ligature
        ("２０２３", "2023", "2023"),  # fullwidth digits
        ("٢٠٢٣", "2023", "2023"),  # Arabic-Indic digits
        ("۲۰۲۳", "2023", "2023"),  # Extended Arabic-Indic digits
        ("كِتَابٌ", "كتاب", "كتاب"),  # harakat
        ("كتــــاب", "كتاب", "كتاب"),  # tatweel
        ("علی", "علی", "علي"),
        ("على", "على", "علي"),
        ("کتاب", "کتاب", "كتاب"),
        ("مدرسہ", "مدرسہ", "مدرسه"),
        ("مدرسۃ", "مدرسۃ", "مدرسه"),
        ("مدرسة", "مدرسة", "مدرسه"),
        ("أحمد", "أحمد", "احمد"),
        ("إسلام", "إسلام", "اسلام"),
        ("آباد", "آباد", "اباد"),
        ("ٱلله", "ٱلله", "الله"),
        ("مسئول", "مسئول", "مسيول"),
        ("ﻛﺘﺎﺏ", "كتاب", "كتاب"),  # presentation forms
        ("می\u200cشود", "میشود", "ميشود"),  # ZWNJ
        ("\u200fright-to-left mark", "right-to-left mark", "right-to-left mark"),
        ("plain ascii", "plain ascii", "plain ascii"),
    ],
)
def test_normalize_and_fold(text: str, exact: str, folded: str) -> None:
    assert normalize(text) == exact
    assert fold(text) == folded
    assert fold(folded) == folded  # idempotent


@pytest.mark.parametrize(
    "group",
    [
        ["ي", "ى", "ی", "ئ"],
        ["ك", "ک", "ڪ"],
        ["ه", "ہ", "ۃ", "ة", "ۂ"],
        ["ا", "أ", "إ", "آ", "ٱ"],
        ["2023", "٢٠٢٣", "۲۰۲۳", "٢٠۲3"],
        ["đ", "Đ", "d", "D"],
        ["thanh", "thành", "thạnh", "THÁNH", "thãnh", "thảnh"],
    ],
)
def test_variant_groups_fold_to_one_form(group: list[str]) -> None:
    assert len({fold(x) for x in group}) == 1


def test_prefold_handles_what_ascii_folding_misses() -> None:
    # đ is a letter of its own: Unicode decomposition leaves it alone.
    assert prefold("đức") == "dức"
    assert prefold(normalize("کتاب علی مدرسۃ أحمد")) == "كتاب علي مدرسه احمد"


WORDS = normalize(
    "Nguyễn Nguyen Nguyên Nguyện nguyenn Đức Duc Dục đuc Thành thanh thạnh thanhh Straße strasse strase Schlosssee "
    "schloßsee schlossße Æsop aesop œuvre oeuvre þing thing élève eleve élevé garçon garcon naïve naive "
    "کتاب كتاب ڪتاب كتب علی على علي عليه مدرسہ مدرسة مدرسۃ مدرسه أحمد احمد إسلام اسلام آباد اباد مسئول مسيول 2023 2024"
).split()


@pytest.mark.parametrize("query", [*WORDS, "sss", "ssss"])
def test_fold_pattern_matches_exactly_the_words_that_fold_alike(query: str) -> None:
    import re

    pattern = re.compile(fold_pattern(query))
    assert {w for w in WORDS if pattern.fullmatch(w)} == {w for w in WORDS if fold(w) == fold(query)}
    assert pattern.fullmatch(normalize(query))


@pytest.mark.parametrize("query", ["stras", "strass", "nguy", "schlos", "a", "o", "t", "th", "کت", "مدرس"])
def test_prefix_fold_pattern_matches_exactly_the_words_whose_fold_starts_alike(query: str) -> None:
    import re

    pattern = re.compile(fold_pattern(query, prefix=True))
    assert {w for w in WORDS if pattern.fullmatch(w)} == {w for w in WORDS if fold(w).startswith(fold(query))}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("30/2020/NĐ-CP", ["30", "2020", "nđ", "cp"]),
        ("snake_case-word", ["snake", "case", "word"]),
        ("  Nguyễn,Đức.Thanh! ", ["nguyễn", "đức", "thanh"]),
        ("كِتَابٌ ۲۰۲۳", ["كتاب", "2023"]),
        ("x" * 65, []),  # longer than MAX_TOKEN_BYTES: garbage
        ("", []),
        ("!!! ---", []),
    ],
)
def test_tokens(text: str, words: list[str]) -> None:
    assert tokens(text) == words


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        ("Ông Nguyễn Đức Thanh", "nguyen duc", ["Nguyễn", "Đức"]),
        ("Ông NGUYỄN Đức", "Nguyễn", ["NGUYỄN"]),
        ("Nguye\u0302\u0303n", "nguyen", ["Nguye\u0302\u0303n"]),
        ("کتاب رسمی", "كتاب", ["کتاب"]),
        ("كِتَابٌ", "كتاب", ["كِتَابٌ"]),
        ("سنة ۲۰۲۳م", "2023", []),  # not a whole word: ۲۰۲۳م
        ("سنة ۲۰۲۳ م", "2023", ["۲۰۲۳"]),
        ("registration registered", "regist*", ["registration", "registered"]),
        ("thanh thanhxuan", "thanh", ["thanh"]),
    ],
)
def test_highlighter_marks_folded_matches(text: str, query: str, marked: list[str]) -> None:
    snip = snippet(text, matcher(positive_terms(parse(query))))
    if not marked:
        assert snip is None
        return
    import re

    assert re.findall(r"<mark>(.*?)</mark>", snip) == marked
