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
"""

from __future__ import annotations

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
