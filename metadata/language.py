"""Guess a document's language (Tesseract code) from its text when the pipeline did not say."""

from __future__ import annotations

import re

LANGUAGES = ("vie", "eng", "fra", "urd", "ara")

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
# Letters Urdu uses and Arabic does not (ٹ ڈ ڑ ں ے ۓ ھ ہ ۂ ی ک گ پ چ ژ); Arabic-only forms (ة ى ي ك, tanwin).
_URDU_ONLY = re.compile(r"[ٹڈڑںےۓھہۂیکگپچژ]")
_ARABIC_ONLY = re.compile(r"[ةىيكًٌٍ]")
# Letters with Vietnamese-only marks (horn, breve, dot below, hook above) and đ.
_VIET = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
                   r"ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ]")
_FRENCH_WORDS = re.compile(r"\b(?:le|la|les|des|du|et|est|une|que|qui|dans|pour|sur|aux|cette|ne|pas|par|où|à|été|"
                           r"sont|avec|nous|vous|leur|monsieur|veuillez)\b", re.IGNORECASE)
_FRENCH_ACCENTS = re.compile(r"[àâçéèêëîïôùûüÿœ]", re.IGNORECASE)
_ENGLISH_WORDS = re.compile(r"\b(?:the|of|and|to|in|is|that|for|on|with|as|by|this|be|are|was|shall|which)\b",
                            re.IGNORECASE)
_VIET_WORDS = re.compile(r"\b(của|và|các|ngày|tháng|năm|được|không|theo|về|cho|số|những)\b", re.IGNORECASE)
# The same words as OCR reads them with their marks lost (only ones that are not English words).
_VIET_BARE = re.compile(r"\b(ngay|thang|cua|cac|duoc|khong|nhung|ubnd|uy ban|nhan dan|cong hoa|chu nghia)\b",
                        re.IGNORECASE)


def detect_language(text: str) -> str | None:
    """Return "vie", "eng", "fra", "urd" or "ara" for `text`, or None when it holds no letters to judge by.

    Script decides Arabic-script vs Latin; Urdu-only vs Arabic-only letters split the first, Vietnamese
    marks and function words the second (OCR may lose marks, so a few are enough).
    """
    arabic = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic == 0 and latin == 0:
        return None
    if arabic > latin:
        return "urd" if len(_URDU_ONLY.findall(text)) >= len(_ARABIC_ONLY.findall(text)) else "ara"
    viet = len(_VIET.findall(text)) + 3 * len(_VIET_WORDS.findall(text)) + 2 * len(_VIET_BARE.findall(text))
    if viet >= max(3, latin // 50):
        return "vie"
    # French (pre-1954 archives): its function words and accents outweigh English function words.
    french = 2 * len(_FRENCH_WORDS.findall(text)) + len(_FRENCH_ACCENTS.findall(text))
    english = 2 * len(_ENGLISH_WORDS.findall(text))
    return "fra" if french > max(english, 4) else "eng"


def resolve_language(given: str | None, text: str) -> str | None:
    """The language to parse `text` as: `given` if it is one we know and fits the script, else detected.

    `given` may be a Tesseract list such as "vie+eng"; its first known member counts.
    """
    detected = detect_language(text)
    for code in (given or "").replace(",", "+").split("+"):
        code = code.strip().lower()
        if code in LANGUAGES:
            # A wrong hint (e.g. "eng" for an Urdu page) would make every parser miss; trust the script.
            if detected is None or _script(code) == _script(detected):
                return code
            break
    return detected


def _script(code: str) -> str:
    return "arabic" if code in ("urd", "ara") else "latin"
