"""Text folding shared by every search backend, applied identically to indexed text and to query words.

Two forms of every word are indexed:

* **exact** (`normalize`): NFKC, lower case, Arabic-Indic and Extended Arabic-Indic digits -> ASCII, tatweel,
  Arabic harakat/Quranic marks and invisible format characters (ZWNJ, bidi marks, soft hyphen) removed; Vietnamese
  tones and đ are kept, so an exact-tone match can rank first.
* **folded** (`fold`): the exact form with Arabic-script letter variants unified (`prefold`: ي/ى/ی/ئ -> ي,
  ك/ک/ڪ -> ك, ه/ہ/ۃ/ة -> ه, أ/إ/آ/ا/ٱ -> ا, ؤ -> و, đ -> d), then every Latin diacritic removed (ASCII folding:
  Vietnamese tones and vowel marks, ß -> ss, æ -> ae, ...).

Backends with an ASCII-folding analyzer (tantivy `Filter.ascii_fold`, Elasticsearch `asciifolding`) index
`prefold(normalize(text))` through it, which equals `fold` on Vietnamese, English, Arabic and Urdu text and runs in
native code; `fold` is the pure-Python definition used for short strings (query words, highlighting).

Words are runs of letters and digits (`tokens`); `_` and punctuation separate words, as in the engines' simple
tokenizers.

An index that keeps only the exact form (the tantivy backend) matches folded words with `fold_pattern`: a regular
expression that matches exactly the exact-form words whose `fold` equals the query word's, built from classes of
letters that `fold` maps to one letter (computed once from `fold` itself, so it cannot drift from it).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Words longer than this (UTF-8 bytes) are OCR garbage or base64; dropped everywhere.
MAX_TOKEN_BYTES = 64

_WORD = re.compile(r"[^\W_]+")

# normalize(): (old, new) replacements, applied with str.replace (C-speed scans; far faster than str.translate or
# a regex on non-ASCII text, and a no-op scan when the character is absent).
_NORMALIZE: tuple[tuple[str, str], ...] = (
    *((chr(0x0660 + i), str(i)) for i in range(10)),  # Arabic-Indic digits
    *((chr(0x06F0 + i), str(i)) for i in range(10)),  # Extended Arabic-Indic (Urdu/Persian) digits
    ("\u0640", ""),  # tatweel (kashida): typographic elongation
    *((chr(c), "") for c in range(0x064B, 0x0660)),  # harakat: fathatan … sukun, maddah/hamza marks
    ("\u0670", ""),  # superscript alef
    *((chr(c), "") for c in range(0x06D6, 0x06EE) if unicodedata.category(chr(c)).startswith("M")),  # Quranic marks
    *((chr(c), "") for c in (0x00AD, 0x061C, 0xFEFF, *range(0x200B, 0x2010), *range(0x202A, 0x202F))),  # format
    *((chr(c), "") for c in range(0x2060, 0x2065)),
)

# prefold(): Arabic-script letter variants (keyboard, regional and OCR variants) and hamza carriers -> one letter;
# đ -> d here too because it is not "d + mark" (Unicode decomposition does not fold it).
_PREFOLD: tuple[tuple[str, str], ...] = (
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ٲ", "ا"),
    ("ٳ", "ا"),
    ("ى", "ي"),  # alef maksura
    ("ی", "ي"),  # farsi/urdu yeh
    ("ې", "ي"),
    ("ئ", "ي"),
    ("ؤ", "و"),
    ("ک", "ك"),  # keheh (Urdu/Persian kaf)
    ("ڪ", "ك"),  # swash kaf
    ("ۂ", "ه"),
    ("ہ", "ه"),  # heh goal (Urdu)
    ("ە", "ه"),
    ("ۃ", "ه"),  # teh marbuta goal
    ("ة", "ه"),  # teh marbuta
    ("ۓ", "ے"),
    ("đ", "d"),
)

# Latin letters that ASCII folding expands rather than strips (kept in step with tantivy/Lucene ASCIIFolding).
_LATIN_EXTRA: tuple[tuple[str, str], ...] = (
    ("ß", "ss"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("ø", "o"),
    ("ł", "l"),
    ("ð", "d"),
    ("þ", "th"),
    ("ı", "i"),
)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


_NORMALIZE_TABLE = str.maketrans(dict(_NORMALIZE))
# Any character that normalize() replaces: one scan tells most Latin-script text (and titles) that there is nothing
# to replace, instead of one scan per replacement.
_TO_NORMALIZE = re.compile("[" + "".join(old for old, _ in _NORMALIZE) + "]")


def normalize(text: str) -> str:
    """The exact form: NFKC, lower case, ASCII digits, no tatweel/harakat/format characters; tones kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    if text.isascii() or not _TO_NORMALIZE.search(text):
        return text
    if len(text) < 40:  # one word: a table lookup per character beats ~80 substring scans
        return text.translate(_NORMALIZE_TABLE)
    for old, new in _NORMALIZE:
        if old in text:
            text = text.replace(old, new)
    return text


def prefold(text: str) -> str:
    """Unify Arabic-script letter variants and đ in already-`normalize`d text (the part ASCII folding misses)."""
    if text.isascii():
        return text
    for old, new in _PREFOLD:
        if old in text:
            text = text.replace(old, new)
    return text


def fold_normalized(text: str) -> str:
    """`fold` for text that is already `normalize`d."""
    text = prefold(text)
    if text.isascii():
        return text
    for old, new in _LATIN_EXTRA:
        if old in text:
            text = text.replace(old, new)
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))


def fold(text: str) -> str:
    """The folded form: `normalize`, letter variants unified, Latin diacritics removed (Nguyễn Đức -> nguyen duc)."""
    return fold_normalized(normalize(text))


def _keep(word: str) -> bool:
    return len(word) * 4 <= MAX_TOKEN_BYTES or len(word.encode("utf-8")) <= MAX_TOKEN_BYTES


def tokens(text: str) -> list[str]:
    """The exact-form words of `text`, in order."""
    return [w for w in _WORD.findall(normalize(text)) if _keep(w)]


MAX_NESTED_PAIRS = 8


@functools.cache
def _fold_classes() -> dict[str, str]:
    """Folded form -> the letters (in exact form, i.e. unchanged by `normalize`) that fold to it, itself included.

    Only letters whose fold differs from themselves are listed (Latin with marks, đ, Arabic-script variants, ß...);
    the Basic Multilingual Plane is enough: `normalize` (NFKC) maps the other planes' letters-like symbols to it.
    About 0.1 s, once per process.
    """
    out: dict[str, list[str]] = {}
    for cp in range(0x80, 0x10000):
        c = chr(cp)
        if not c.isalnum() or normalize(c) != c:  # not a word character, or never in `normalize`d text
            continue
        f = fold(c)
        if f != c:
            out.setdefault(f, [f] if len(f) == 1 else []).append(c)
    return {f: "".join(chars) for f, chars in out.items()}


def _letter(classes: dict[str, str], f: str) -> str:
    chars = classes.get(f)
    return f"[{chars}]" if chars else f


def fold_pattern(word: str, prefix: bool = False) -> str:
    """A regular expression (whole-word, in the syntax of Rust's regex crate that tantivy uses) matching every
    exact-form word `w` with `fold(w) == fold(word)` (with `prefix`: that starts with `fold(word)`): `nguyen` and
    `nguyễn` both give `[nñńņňǹṅṇṉṋ][gĝğ...][uùú...ư...]...`, matching nguyen, nguyễn, nguyên, ...

    Letters that fold to two (ß -> ss, æ -> ae, œ -> oe, þ -> th) are alternatives of the pair; a prefix may end in
    one (`stras*` finds straße). Words are letters and digits only (`tokens`), so nothing needs escaping.
    """
    f = fold(word)
    pattern = _pattern(f)
    if not prefix:
        return pattern
    tails = "".join(chars for folded, chars in _fold_classes().items() if len(folded) == 2 and folded[0] == f[-1])
    if tails:
        pattern = f"(?:{pattern}|{_pattern(f[:-1])}[{tails}])"
    return pattern + ".*"


def _pattern(f: str) -> str:
    """`fold_pattern` of the folded word `f`."""
    classes = _fold_classes()
    parts: list[str] = []
    i = 0
    while i < len(f):
        pair = classes.get(f[i : i + 2]) if i + 1 < len(f) else None
        # A pair is taken whole unless the next letter starts a pair too ("sss": ß may stand for either "ss"), where
        # the alternatives nest instead (they double per letter: past a few, garbage such as "sssssssss" takes pairs
        # whole and misses some spellings of itself).
        overlap = i + 2 < len(f) and classes.get(f[i + 1 : i + 3])
        if pair and (not overlap or len(f) - i > MAX_NESTED_PAIRS):
            parts.append(f"(?:{_letter(classes, f[i])}{_letter(classes, f[i + 1])}|[{pair}])")
            i += 2
        elif pair:
            parts.append(f"(?:{_letter(classes, f[i])}{_pattern(f[i + 1 :])}|[{pair}]{_pattern(f[i + 2 :])})")
            i = len(f)
        else:
            parts.append(_letter(classes, f[i]))
            i += 1
    return "".join(parts)
