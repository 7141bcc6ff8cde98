"""Script and language of a text or page: Latin (Vietnamese/English) or Arabic script (Urdu/Arabic)."""

from __future__ import annotations

import re
import unicodedata

# Letters Urdu uses and Arabic does not: barree ye, retroflex t/d/r, noon ghunna, do-chashmi he, heh goal forms,
# keheh, farsi yeh. A page whose Arabic-script letters contain enough of them is Urdu.
URDU_LETTERS = frozenset("ےۓٹڈڑںھہۃۂکیگپچژ")
# Letters of Arabic proper that Urdu spells differently (ي ك ه ة ى).
ARABIC_LETTERS = frozenset("يكةىإأؤ")
URDU_WORDS = frozenset(["کے", "کی", "میں", "ہے", "اور", "سے", "کو", "کا", "نے", "پر", "یہ", "ہیں", "کہ", "گیا"])
ARABIC_WORDS = frozenset(["في", "من", "على", "إلى", "أن", "التي", "الذي", "عن", "هذا", "هذه", "مع", "وزارة"])

_VIETNAMESE = frozenset(
    "ăâđêôơưĂÂĐÊÔƠƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
_WORD = re.compile(r"\w+")


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


def is_arabic_letter(ch: str) -> bool:
    """An Arabic-script letter or mark (harakat, tanween), not a digit or punctuation."""
    return _is_arabic(ch) and unicodedata.category(ch)[0] in "LM"


def script_of(text: str) -> str | None:
    """'Arabic' or 'Latin' by majority of letters; None when the text has no letters of either."""
    arabic = latin = 0
    for ch in text:
        if _is_arabic(ch):
            arabic += ch.isalpha()
        elif ch.isalpha() and "LATIN" in unicodedata.name(ch, ""):
            latin += 1
    if not arabic and not latin:
        return None
    return "Arabic" if arabic > latin else "Latin"


def arabic_or_urdu(text: str) -> str:
    """Tell Urdu from Arabic in Arabic-script text: Urdu-only letters and common function words vote."""
    letters = [ch for ch in text if _is_arabic(ch) and ch.isalpha()]
    urdu = sum(ch in URDU_LETTERS for ch in letters)
    arabic = sum(ch in ARABIC_LETTERS for ch in letters)
    words = _WORD.findall(text)
    urdu += 3 * sum(w in URDU_WORDS for w in words)
    arabic += 3 * sum(w in ARABIC_WORDS for w in words)
    arabic += 2 * sum(w.startswith("ال") for w in words)
    return "urd" if urdu > arabic else "ara"


def vietnamese_share(text: str) -> float:
    """Share of Latin letters that carry Vietnamese diacritics (or are đ/Đ)."""
    latin = [ch for ch in text if ch.isalpha() and not _is_arabic(ch)]
    return sum(ch in _VIETNAMESE for ch in latin) / max(1, len(latin))


def detect_language(text: str) -> str | None:
    """Best single language of a text: "urd"/"ara" for Arabic script, "vie"/"eng" for Latin, None if no letters."""
    script = script_of(text)
    if script is None:
        return None
    if script == "Arabic":
        return arabic_or_urdu(text)
    latin = [ch for ch in text if ch.isalpha() and not _is_arabic(ch)]
    marked = sum(ch in _VIETNAMESE for ch in latin)
    # English text may quote a Vietnamese name; a real Vietnamese page has diacritics on a good share of letters.
    return "vie" if marked >= max(2, 0.02 * len(latin)) else "eng"
