"""Tolerant word matching for OCR output: Arabic-script letter folding and one-edit comparison."""

from __future__ import annotations

_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ئ": "ي", "ك": "ک",
                              "ة": "ه", "ۃ": "ه", "ہ": "ه", "ھ": "ه", "ۓ": "ے", "ـ": None})


def fold_arabic(text: str) -> str:
    """Fold Arabic/Urdu letter variants (hamza seats, yeh, kaf, heh forms, tatweel) for matching."""
    return text.translate(_ARABIC_FOLD)


def within_one_edit(a: str, b: str) -> bool:
    """True if `a` and `b` differ by at most one substituted, inserted or deleted character."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1:] for i in range(len(b)))
