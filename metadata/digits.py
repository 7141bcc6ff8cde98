"""Digit and character-form normalisation shared by the metadata parsers."""

from __future__ import annotations

import re
import unicodedata

# Arabic-Indic (U+0660..) and Extended Arabic-Indic (U+06F0..) digits as used in Arabic and Urdu text.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
# Arabic punctuation that OCR and typists use interchangeably with the Latin forms.
_PUNCT = {ord("٫"): ",", ord("٬"): ",", ord("،"): ",", ord("؛"): ";", ord("؟"): "?", ord("／"): "/"}
# Bidi control marks carry no text and break regular expressions spanning them.
_BIDI = {cp: None for cp in (0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                             0x061C, 0xFEFF)}


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Extended Arabic-Indic digits by ASCII digits; everything else is kept."""
    return text.translate(_DIGITS)


def normalize_text(text: str) -> str:
    """NFC, ASCII digits and no bidi control marks: the form every parser works on.

    Arabic punctuation is kept (it is part of titles and bodies); parsers that need Latin punctuation use
    `latin_punctuation`.
    """
    return to_ascii_digits(unicodedata.normalize("NFC", text)).translate(_BIDI)


def latin_punctuation(text: str) -> str:
    """Map the Arabic comma, semicolon, question mark and decimal marks to their Latin forms."""
    return text.translate(_PUNCT)


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map `đ` to `d`: for OCR-tolerant keyword matching of Latin text.

    The result has the same length as `text` for NFC Vietnamese, so match offsets carry over.
    """
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base.lower() if len(base.lower()) == 1 else ch)
    return "".join(out)


# Arabic-script OCR misreads the "/" of numeric dates and reference numbers, most often as "][", "|[" or a lone
# "0": "30][08|[2017", "التاريخ: 2019005031", "الرقم: 0692م20200".
_BRACKETS = re.compile(r"(?<=[\d\u0600-\u06ff])\s*[\[\]|](?:\s*[\[\]|])*\s*(?=[\d\u0600-\u06ff])")
_SLASH_ALEF = re.compile(r"(?<=\d)\s*[\[\]|]+\s*أ(?=[\u0621-\u064a]\s*[\[\]|/])")
_SPLIT_DATE = re.compile(r"(?<![\d/])((?:19|20)\d{2})/\s+(\d{1,2}/\d{1,2})(?![\d/])")
_DATE_LABEL = re.compile(r"^(\W*(?:ال)?تار[يی]خ\s*[:：]\s*)(\d{10})\s*$", re.MULTILINE)
_REF_LABEL = re.compile(r"^(\W*(?:ال)?رقم\s*[:：]\s*)0?(\d{2,5})([\u0621-\u064a]{1,2})((?:19|20)\d{2})0?\d{0,3}\s*$",
                        re.MULTILINE)


def repair_separators(text: str) -> str:
    """Slashes of numeric dates and reference numbers read back in Arabic-script text (see _BRACKETS): brackets
    between digits or letters become "/", a labelled 10-digit date whose separators came out as 0 is split
    (YYYY0MM0DD or DD0MM0YYYY), and a labelled "digits, letter, year" reference regains its slashes."""
    # The slash before a one-letter code reads as "[ أ" ("2408[ أت[]2017"): the alef goes with the bracket.
    text = _SLASH_ALEF.sub("/", text)
    text = _BRACKETS.sub("/", text)

    def date(m: re.Match) -> str:
        digits = m[2]
        if digits[4] == "0" and digits[7] == "0" and digits[:2] in ("19", "20"):
            return f"{m[1]}{digits[:4]}/{digits[5:7]}/{digits[8:]}"
        if digits[2] == "0" and digits[5] == "0" and digits[6:8] in ("19", "20"):
            return f"{m[1]}{digits[:2]}/{digits[3:5]}/{digits[6:]}"
        return m[0]

    text = _DATE_LABEL.sub(date, text)
    # OCR splits "07/01/2016" in a right-to-left line into two words and writes them in the wrong order,
    # "2016/ 07/01" (the space after the slash is the sign): put the year back at the end.
    text = _SPLIT_DATE.sub(r"\2/\1", text)
    return _REF_LABEL.sub(lambda m: f"{m[1]}{m[2]}/{m[3]}/{m[4]}", text)
