"""Script and language of a text or page: Latin (Vietnamese/English/French) or Arabic script (Urdu/Arabic), and
the set of OCR languages an office reads (`RECORDS_LANGUAGES`)."""

from __future__ import annotations

import functools
import os
import re
import unicodedata

from ocr import lexicon

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
# Vietnamese letters French never has: a Vietnamese model reading French or English invents a few of these
# ("alcõve", "capharnaủm"), a Vietnamese page has them on a good share of its letters.
_VIETNAMESE_ONLY = _VIETNAMESE - frozenset("àâéèêôùÀÂÉÈÊÔÙ")
_FRENCH = frozenset("àâçéèêëîïôùûüÿœÀÂÇÉÈÊËÎÏÔÙÛÜŸŒ")
FRENCH_WORDS = frozenset(["le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "que", "qui", "dans",
                          "pour", "sur", "au", "aux", "ce", "cette", "il", "elle", "ne", "pas", "par", "son", "sa",
                          "ses", "où", "à", "été", "sont", "avec", "nous", "vous", "leur", "monsieur"])
ENGLISH_WORDS = frozenset(["the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "as", "by", "this",
                           "be", "are", "was", "it", "from", "at", "or", "an", "shall", "which", "has", "have"])
_WORD = re.compile(r"\w+")
# Languages read when RECORDS_LANGUAGES is not set (those that are installed).
DEFAULT_LANGUAGES = ("vie", "eng", "fra", "urd", "ara")
ARABIC_SCRIPT_LANGUAGES = frozenset({"urd", "ara", "fas", "pus", "snd", "uig", "kur_ara"})
# The Urdu model trained by this project (scripts/train_urdu.sh), used when installed; Debian's urd otherwise.
URDU_MODEL = "urd_records"


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


def vietnamese_only_share(text: str) -> float:
    """Share of Latin letters that carry a mark only Vietnamese uses (not French's é, è, à, ô...)."""
    latin = [ch for ch in text if ch.isalpha() and not _is_arabic(ch)]
    return sum(ch in _VIETNAMESE_ONLY for ch in latin) / max(1, len(latin))


def french_or_english(text: str) -> tuple[str, int]:
    """"fra" or "eng" for Latin text that is not Vietnamese, with the margin of evidence (function words count
    2, French accented letters 1). Ties go to English."""
    words = [w.lower() for w in _WORD.findall(text)]
    french = french_votes(text)
    english = 2 * sum(w in ENGLISH_WORDS for w in words)
    return ("fra", french - english) if french > english else ("eng", english - french)


def french_votes(text: str) -> int:
    """Evidence of French in Latin text: French function words count 2, French accented letters 1."""
    words = [w.lower() for w in _WORD.findall(text)]
    return 2 * sum(w in FRENCH_WORDS for w in words) + sum(ch in _FRENCH for ch in text)


def arabic_or_urdu_margin(text: str) -> int:
    """Urdu votes minus Arabic votes (see `arabic_or_urdu`): positive means Urdu."""
    letters = [ch for ch in text if _is_arabic(ch) and ch.isalpha()]
    words = _WORD.findall(text)
    urdu = sum(ch in URDU_LETTERS for ch in letters) + 3 * sum(w in URDU_WORDS for w in words)
    arabic = sum(ch in ARABIC_LETTERS for ch in letters) + 3 * sum(w in ARABIC_WORDS for w in words)
    arabic += 2 * sum(w.startswith("ال") for w in words)
    return urdu - arabic


@functools.cache
def installed_languages() -> frozenset[str]:
    """Tesseract models installed (names of the *.traineddata files in its tessdata folder)."""
    folder = lexicon.tessdata_dir()
    if folder is None or not folder.is_dir():
        return frozenset()
    return frozenset(p.name.removesuffix(".traineddata") for p in folder.glob("*.traineddata"))


def configured_languages() -> tuple[str, ...]:
    """The languages pages are read in: RECORDS_LANGUAGES (comma-separated Tesseract codes, e.g.
    "vie,eng,fra,urd,ara,deu"), else DEFAULT_LANGUAGES; only those installed (a missing one is logged once)."""
    raw = os.environ.get("RECORDS_LANGUAGES", "")
    wanted = tuple(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip())) or DEFAULT_LANGUAGES
    installed = installed_languages()
    if not installed:  # cannot tell: trust the setting
        return wanted
    found = tuple(code for code in wanted if code in installed)
    return found or tuple(code for code in DEFAULT_LANGUAGES if code in installed)


def known_languages() -> frozenset[str]:
    """Language codes a caller may fix a page to: the configured ones, and any installed model."""
    return frozenset(configured_languages()) | installed_languages() - {"osd", URDU_MODEL}


def urdu_model() -> str:
    """The Tesseract model for Urdu: the project's own (URDU_MODEL) when installed, else Debian's urd."""
    return URDU_MODEL if URDU_MODEL in installed_languages() else "urd"


def language_of_model(model: str) -> str:
    """The language code of a Tesseract model name (urd_records -> urd)."""
    return "urd" if model == URDU_MODEL else model


def script_of_language(code: str) -> str:
    """"Arabic" or "Latin" (every other configured language is read as an alphabetic Latin-like script)."""
    return "Arabic" if language_of_model(code) in ARABIC_SCRIPT_LANGUAGES else "Latin"


def vietnamese_share(text: str) -> float:
    """Share of Latin letters that carry Vietnamese diacritics (or are đ/Đ)."""
    latin = [ch for ch in text if ch.isalpha() and not _is_arabic(ch)]
    return sum(ch in _VIETNAMESE for ch in latin) / max(1, len(latin))


def detect_language(text: str) -> str | None:
    """Best single language of a text: "urd"/"ara" for Arabic script, "vie"/"eng"/"fra" for Latin, None if no
    letters."""
    script = script_of(text)
    if script is None:
        return None
    if script == "Arabic":
        return arabic_or_urdu(text)
    latin = [ch for ch in text if ch.isalpha() and not _is_arabic(ch)]
    marked = sum(ch in _VIETNAMESE for ch in latin)
    # English text may quote a Vietnamese name; a real Vietnamese page has diacritics on a good share of letters.
    if marked >= max(2, 0.02 * len(latin)) and sum(ch in _VIETNAMESE_ONLY for ch in latin) >= max(1, marked // 4):
        return "vie"
    return french_or_english(text)[0]
