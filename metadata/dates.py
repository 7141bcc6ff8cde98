"""Find calendar dates in page text: Vietnamese, English, Urdu and Arabic forms, numeric forms, Hijri dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from metadata.digits import fold
from metadata.fuzzy import fold_arabic, within_one_edit
from metadata.hijri import hijri_to_gregorian

GREGORIAN = "gregorian"
HIJRI = "hijri"

_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_UR_MONTHS = {
    "جنوری": 1, "فروری": 2, "مارچ": 3, "اپریل": 4, "مئی": 5, "مئ": 5, "جون": 6, "جولائی": 7, "اگست": 8,
    "ستمبر": 9, "اکتوبر": 10, "نومبر": 11, "دسمبر": 12,
}
_AR_MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10, "تشرين الاول": 10,
    "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
}
_HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الاول": 3, "ربيع الآخر": 4, "ربيع الثاني": 4, "ربیع الاول": 3,
    "ربیع الثانی": 4, "جمادى الأولى": 5, "جمادى الاولى": 5, "جمادی الاول": 5, "جمادى الآخرة": 6,
    "جمادى الثانية": 6, "جمادی الثانی": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11,
    "ذوالقعدہ": 11, "ذو الحجة": 12, "ذوالحجہ": 12,
}
_GREG_WORD_MONTHS = {**_UR_MONTHS, **_AR_MONTHS}

_D = r"(\d{1,2})"
_Y = r"(\d{4})"
_NUM_DMY = re.compile(r"(?<![\d/.\-])" + _D + r"\s?([/.\-])\s?" + _D + r"\s?\2\s?" + _Y + r"(?![\d/\-])")
_NUM_YMD = re.compile(r"(?<![\d/.\-])" + _Y + r"\s?([/.\-])\s?" + _D + r"\s?\2\s?" + _D + r"(?![\d/\-])")
# Vietnamese "ngày 04 tháng 4 năm 2024", matched on folded text so OCR-lost marks do not matter.
_VI = re.compile(r"ngay\s*" + _D + r"\s*[,.]?\s*thang\s*" + _D + r"\s*[,.]?\s*nam\s*" + _Y)
# The same with the words OCR-mangled ("ngày 04 indng năm 2024", "nă¡n 2021"): day, month and year keep their
# places.
_VI_LOOSE = re.compile(r"\bng\w{1,3}\s*" + _D + r"\s*[,.]?\s*[^\W\d_]{3,6}\s*" + _D + r"\s*[,.]?\s*[^\s\d]{2,4}"
                       r"\s*[,.]?\s*" + _Y + r"(?!\d)")
_WORD = r"([^\W\d_]+\.?)"
# "4 April 2024", "4th of April, 2024", "12 اپریل 2024", "22 كانون الثاني 2024م"
_D_MONTH_Y = re.compile(r"(?<!\d)" + _D + r"(?:st|nd|rd|th)?\s+(?:of\s+)?" + _WORD + r"(?:\s+([^\W\d_]+))?"
                        r"\s*,?\s*" + _Y + r"(?!\d)", re.IGNORECASE)
# "April 4, 2024", "Apr. 4th 2024"
_MONTH_D_Y = re.compile(r"\b" + _WORD + r"\s+" + _D + r"(?:st|nd|rd|th)?\s*,?\s+" + _Y + r"(?!\d)", re.IGNORECASE)
_HIJRI_MARK = re.compile(r"^\s*(?:هـ|ه|ھ|ہ|AH\b)")


@dataclass(frozen=True)
class DateHit:
    """One date found in a text: its ISO form, where it is, and its calendar."""

    iso: str
    start: int
    end: int
    calendar: str = GREGORIAN


def find_dates(text: str, *, min_year: int = 1900, max_year: int = 2100) -> list[DateHit]:
    """All dates in `text` (digits already ASCII), in text order, overlapping matches resolved by first found.

    Numeric dates read day first (d/m/y) unless only the month-first reading is valid; y/m/d and ISO forms
    are read as such. Hijri dates (a Hijri month name, or a year followed by هـ) are converted to Gregorian
    and marked `calendar="hijri"`.
    """
    flat = text.replace("\n", " ")
    folded = fold(flat)
    hits: list[DateHit] = []

    def add(start: int, end: int, ymd: tuple[int, int, int] | None, calendar: str = GREGORIAN) -> None:
        if ymd is None or any(h.start < end and start < h.end for h in hits):
            return
        if calendar == HIJRI:
            found = hijri_to_gregorian(*ymd)
        else:
            found = _valid(*ymd) if min_year <= ymd[0] <= max_year else None
        if found is not None:
            hits.append(DateHit(found.isoformat(), start, end, calendar))

    for pattern in (_VI, _VI_LOOSE):
        for m in pattern.finditer(folded):
            add(m.start(), m.end(), (int(m[3]), int(m[2]), int(m[1])))
    for m in _NUM_YMD.finditer(flat):
        y, mo, d = int(m[1]), int(m[3]), int(m[4])
        add(m.start(), m.end(), (y, mo, d), _calendar_of_numeric(y, flat, m.end()))
    for m in _NUM_DMY.finditer(flat):
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
        if mo > 12 >= d:  # only the US month-first reading is a date
            d, mo = mo, d
        add(m.start(), m.end(), (y, mo, d), _calendar_of_numeric(y, flat, m.end()))
    for m in _D_MONTH_Y.finditer(flat):
        two_words = f"{m[2]} {m[3]}" if m[3] else None
        month, calendar = _month(two_words) if two_words else (None, GREGORIAN)
        end_of_month = m.end(3) if month else m.end(2)
        if month is None:
            month, calendar = _month(m[2])
            if m[3]:  # a second word that is not part of the month: the year must follow the first word
                continue
        if month is not None:
            calendar = HIJRI if calendar == HIJRI or _HIJRI_MARK.match(flat, m.end()) else calendar
            add(m.start(), max(m.end(), end_of_month), (int(m[4]), month, int(m[1])), calendar)
    for m in _MONTH_D_Y.finditer(flat):
        month, calendar = _month(m[1])
        if month is not None and calendar == GREGORIAN:
            add(m.start(), m.end(), (int(m[3]), month, int(m[2])))
    return sorted(hits, key=lambda h: h.start)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _calendar_of_numeric(year: int, text: str, end: int) -> str:
    # A Hijri year (1300-1500 AH covers 1882-2077 CE) or an explicit هـ after it.
    return HIJRI if 1300 <= year <= 1500 or _HIJRI_MARK.match(text, end) else GREGORIAN


def _month(word: str) -> tuple[int | None, str]:
    """Month number and calendar of a month name; tolerates one OCR slip in names of five letters or more."""
    w = word.strip(".").strip()
    low = fold(w) if w.isascii() else fold_arabic(w)
    if w.isascii():
        if low in _EN_MONTHS:
            return _EN_MONTHS[low], GREGORIAN
        return _fuzzy(low, {k: v for k, v in _EN_MONTHS.items() if len(k) >= 5}, shortest=5), GREGORIAN
    greg = {fold_arabic(k): v for k, v in _GREG_WORD_MONTHS.items()}
    hijri = {fold_arabic(k): v for k, v in _HIJRI_MONTHS.items()}
    if low in hijri:
        return hijri[low], HIJRI
    if low in greg:
        return greg[low], GREGORIAN
    # Between a day and a year a word is almost surely a month, so short Arabic-script names are tried too.
    found = _fuzzy(low, greg, shortest=3)
    if found is not None:
        return found, GREGORIAN
    return _fuzzy(low, {k: v for k, v in hijri.items() if len(k) >= 4}), HIJRI


def _fuzzy(word: str, names: dict[str, int], shortest: int = 4) -> int | None:
    """The month of the one name within one edit of `word`; None if none or several are."""
    if len(word) < shortest:
        return None
    names = {k: v for k, v in names.items() if len(k) >= shortest}
    found = {v for k, v in names.items() if within_one_edit(word, k)}
    return found.pop() if len(found) == 1 else None
