"""Text folding shared by every search backend, applied identically to indexed text and to query words.

Two forms of every word are indexed:

* **exact** (`normalize`): NFKC, lower case, Arabic-Indic and Extended Arabic-Indic digits -> ASCII, tatweel and
  invisible format characters (ZWNJ, bidi marks, soft hyphen) removed, stray combining marks (Arabic harakat)
  removed; Vietnamese tones and đ are kept, so an exact-tone match can rank first.
* **folded** (`fold`): the exact form with every diacritic stripped (Vietnamese tones and vowel marks, hamza
  carriers), đ -> d, and Arabic-script letter variants mapped to one letter (ي/ى/ی/ئ -> ي, ك/ک/ڪ -> ك,
  ه/ہ/ۃ/ة -> ه, أ/إ/آ/ا/ٱ -> ا, ؤ -> و).

`tokens` splits normalized text into words (runs of letters and digits; `_` and punctuation separate words), so a
backend can feed pre-split, space-joined words to a whitespace tokenizer and be sure that queries, index and
highlighter agree on word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Words longer than this (UTF-8 bytes) are OCR garbage or base64; engines drop them, so do we, everywhere.
MAX_TOKEN_BYTES = 64

_WORD = re.compile(r"[^\W_]+")

_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}
_DROP = {0x0640: None}  # tatweel (kashida), purely typographic elongation

# Letters that are variants of one another in Arabic-script text (keyboard, region and OCR variants).
# Hamza-carrying forms (أ إ آ ؤ ئ ۂ ۓ) decompose under NFD and lose the hamza with the other marks.
_LETTERS = {
    "ى": "ي",  # alef maksura
    "ی": "ي",  # farsi/urdu yeh
    "ې": "ي",
    "ک": "ك",  # keheh (Urdu/Persian kaf)
    "ڪ": "ك",  # swash kaf
    "ہ": "ه",  # heh goal (Urdu)
    "ە": "ه",  # ae
    "ۃ": "ه",  # teh marbuta goal
    "ة": "ه",  # teh marbuta
    "ٱ": "ا",  # alef wasla
    "ٲ": "ا",
    "ٳ": "ا",
    "đ": "d",  # a letter of its own, not d + mark: NFD does not fold it
    "ð": "d",
    "ł": "l",
    "ø": "o",
}
_FOLD_TABLE = str.maketrans(_LETTERS)
_NORM_TABLE = str.maketrans(_DIGITS | _DROP)


def _strip_marks(text: str) -> str:
    """Drop combining marks (Unicode category M*) and format characters (Cf: ZWNJ, ZWJ, bidi marks, soft hyphen)."""
    return "".join(c for c in text if not unicodedata.category(c).startswith("M") and unicodedata.category(c) != "Cf")


def _has_marks_or_format(text: str) -> bool:
    return any(unicodedata.combining(c) or unicodedata.category(c) == "Cf" for c in text)


def normalize(text: str) -> str:
    """The exact form: NFKC, lower case, ASCII digits, no tatweel/format characters/stray marks; tones kept (NFC)."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_NORM_TABLE)
    if not text.isascii() and _has_marks_or_format(text):
        # After NFC, Vietnamese letters are precomposed; what is still a combining mark here (Arabic harakat,
        # a mark NFC cannot attach) would otherwise split a word in two.
        text = _strip_marks(text)
    return text


def fold(text: str) -> str:
    """The folded form: `normalize`, then every diacritic removed and letter variants unified (đ -> d, ی -> ي, ...)."""
    text = normalize(text)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text.translate(_FOLD_TABLE))


def fold_normalized(text: str) -> str:
    """`fold` for text that is already `normalize`d (skips the repeated NFKC pass on the indexing hot path)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text.translate(_FOLD_TABLE))


def _keep(word: str) -> bool:
    return len(word) * 4 <= MAX_TOKEN_BYTES or len(word.encode("utf-8")) <= MAX_TOKEN_BYTES


def tokens(text: str) -> list[str]:
    """The exact-form words of `text`, in order."""
    return [w for w in _WORD.findall(normalize(text)) if _keep(w)]


def token_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, exact word) for each word of the *original* `text`, offsets into `text`, for highlighting.

    Words are found in the original string (so offsets are right) and normalized one by one; a word that
    normalizes into several (e.g. a ligature or a harakat-split word) yields the pieces with the same span.
    """
    for m in RAW_WORD.finditer(text):
        for w in raw_word_tokens(m.group()):
            yield m.start(), m.end(), w


# A word of raw (un-normalized) text: letters/digits, possibly joined by combining marks, tatweel or ZWNJ/ZWJ/soft
# hyphen, which `normalize` removes (so the pieces form one word there too).
RAW_WORD = re.compile(r"[^\W_]+(?:[\u064B-\u065F\u0670\u0640\u200C\u200D\u00AD\u0300-\u036F]+[^\W_]*)*")


def raw_word_tokens(raw: str) -> list[str]:
    """The exact-form words of one `RAW_WORD` match (usually one; a ligature or odd mark may give several)."""
    if raw.isascii():
        return [raw.lower()] if len(raw) <= MAX_TOKEN_BYTES else []
    return [w for w in _WORD.findall(normalize(raw)) if _keep(w)]


def index_text(text: str) -> tuple[str, str]:
    """(exact, folded) space-joined word strings of `text`, ready for a whitespace tokenizer."""
    exact = " ".join(tokens(text))
    return exact, fold_normalized(exact)
