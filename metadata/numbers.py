"""Document numbers of English, Urdu and Arabic records ("No.: CO-2024-0192", "نمبر: ...", "الرقم: ...")."""

from __future__ import annotations

import re

# A code that is a document number: letters/digits joined by - / . with at least one digit ("BL-24-03317").
_CODE = r"[A-Z0-9][A-Z0-9]*(?:\s?[-/.]\s?[A-Z0-9]+)*"
_EN_LABEL = re.compile(
    r"\b(?:(?:[A-Z][a-z]+\s+){0,2}(?:No|Nos|Number|Num|Ref|Reference|File)\b\.?|Ref\.?|Reference)"
    r"\s*(?:No\.?)?\s*[:#.]*\s*(" + _CODE + r")", re.IGNORECASE)
# Unlabelled codes such as "CO-2024-0192": letters, a hyphen or slash, at least four digits in all.
_BARE_CODE = re.compile(r"\b([A-Z]{1,5}(?:[-/][A-Z0-9]+){1,4})\b")
# Urdu "نمبر:" (OCR often turns its first letter into غ/ت/ب, or drops a letter: "غبر:", "مر:"), Arabic "الرقم:",
# "رقم:", "العدد:".
_UR_LABEL = re.compile(r"(?:^|(?<=\s))(?:(\S+)\s+)?(?:[نغتثبی]?مبر|[نغ]بر|مر)\s*[:：]\s*")
_AR_LABEL = re.compile(r"(?:^|(?<=\s))(?:ال)?(?:رقم|عدد|إشارة|اشارة)(?:\s+(?:الكتاب|المرجع|الصادر|القيد))?\s*[:：]\s*")
# Where a merged label value ends: the next "label:" (e.g. "تاریخ:" on the same OCR line) or a comma.
_VALUE_END = re.compile(r"\s+\S+\s*[:：]|[،,؛;]|\s{2,}")
# Qualifiers that only say "reference": the value alone is the number.
_REF_WORDS = {"حوالہ", "مراسلہ", "فائل", "ڈائری", "ریفرنس", "سیریل", "ڈائرى"}
# Numbers that are not the document's: phones, identity cards, rooms, accounts.
_NOT_DOC_EN = re.compile(r"\b(?:phone|telephone|tel|fax|mobile|cell|contact|account|a/c|room|house|flat|page|"
                         r"cnic|id|passport|vehicle)\b\W*(?:no|number|num)?\W*$", re.IGNORECASE)
_NOT_DOC_UR = {"فون", "ٹیلیفون", "ٹیلی", "موبائل", "رابطہ", "کمرہ", "کارڈ", "شناختی", "اکاؤنٹ", "مکان", "گاڑی"}


def english_number(lines: list[str]) -> str | None:
    """The first labelled number ("Certificate No.: X", "Ref: X", "No. X"), else the first bare code in the top.

    OCR of two-column forms puts labels and values on separate lines; the bare-code fallback covers that.
    """
    for line in lines:
        for m in _EN_LABEL.finditer(line):
            if _NOT_DOC_EN.search(line[: m.start(1)].rstrip(" :#.")):
                continue
            value = _clean(m[1])
            if any(c.isdigit() for c in value) and not _is_date_like(value):
                return value
    for line in lines[:25]:
        for m in _BARE_CODE.finditer(line):
            value = _clean(m[1])
            if sum(c.isdigit() for c in value) >= 4 and not _is_date_like(value):
                return value
    return None


def arabic_script_number(lines: list[str], language: str) -> str | None:
    """The value after "نمبر:" (Urdu) or "الرقم:" / "رقم:" / "العدد:" (Arabic), with ASCII digits.

    A qualified Urdu label keeps its qualifier ("کھیوٹ نمبر: 147" -> "کھیوٹ نمبر 147"), as land records
    are known by it; "حوالہ نمبر:" (reference number) gives the value alone.
    """
    label = _UR_LABEL if language == "urd" else _AR_LABEL
    for line in lines:
        m = label.search(line)
        if not m:
            continue
        rest = line[m.end():]
        end = _VALUE_END.search(rest)
        value = _clean(rest[: end.start()] if end else rest)
        if not value:
            continue
        qualifier = m.group(1) if language == "urd" and m.lastindex else None
        if qualifier in _NOT_DOC_UR:
            continue
        if qualifier and m.start(1) == _first_word_start(line) and qualifier not in _REF_WORDS:
            return f"{qualifier} نمبر {value}"
        return value
    return None


def _first_word_start(line: str) -> int:
    m = re.search(r"\S", line)
    return m.start() if m else 0


def _clean(value: str) -> str:
    value = re.sub(r"\s*([/\-])\s*", r"\1", value.strip())
    value = re.sub(r"\s+", " ", value)
    return value.strip(" .,:;،؛-_|")


def _is_date_like(value: str) -> bool:
    return bool(re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", value))
