"""Choose the date a document was issued among the dates found in it."""

from __future__ import annotations

import re

from metadata.dates import GREGORIAN, DateHit
from metadata.digits import fold

# A header date stands alone on its line or right after a short label ending in ":", "," or a dash
# ("Date Issued:", "Vĩnh Hải, ngày ...", "تاریخ:", "Minutes - April 18, 2024").
_MAX_PREFIX = 60
_LABEL_END = (":", "：", ",", "،", "-", "–", "—")
# Labels of dates that are not the document's own: expiry, deadlines, birth dates. (Vietnamese "từ/đến/trước
# ngày" need no entry: no punctuation ends them, and "Từ Sơn, ngày ..." is a place.)
_NOT_ISSUE = re.compile(r"\b(?:expir\w*|until|valid\w*|birth|born|due|deadline|before|by|to|sinh|het han)\b")
_NOT_ISSUE_AR = ("لغاية", "حتى", "انتهاء", "ميلاد", "تک", "تا", "پیدائش", "اختتام", "آخری", "من", "إلى", "الى")


def issued_date(text: str, hits: list[DateHit]) -> DateHit | None:
    """The issue date: the first Gregorian header date, else the first Gregorian date, else the first Hijri one.

    `hits` are `find_dates(text)` results (offsets into `text`).
    """
    gregorian = [h for h in hits if h.calendar == GREGORIAN]
    for hit in gregorian:
        if _is_header_date(text, hit):
            return hit
    if gregorian:
        return gregorian[0]
    return hits[0] if hits else None


def ordered_dates(text: str, hits: list[DateHit]) -> list[str]:
    """ISO dates, the issue date first, then the others in text order, each once."""
    first = issued_date(text, hits)
    out = [first.iso] if first else []
    for h in hits:
        if h.iso not in out:
            out.append(h.iso)
    return out


def _is_header_date(text: str, hit: DateHit) -> bool:
    line_start = text.rfind("\n", 0, hit.start) + 1
    prefix = text[line_start:hit.start].strip()
    if not prefix:
        return True
    if len(prefix) > _MAX_PREFIX or not prefix.endswith(_LABEL_END):
        return False
    words = prefix.rstrip(":：,،-–— ").split()
    return not _NOT_ISSUE.search(fold(prefix)) and not any(w in _NOT_ISSUE_AR for w in words)
