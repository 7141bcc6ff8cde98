"""Digit and character-form normalisation shared by the metadata parsers."""

from __future__ import annotations

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
