"""Hijri (Islamic) calendar dates, converted to Gregorian with the arithmetic (tabular) calendar."""

from __future__ import annotations

from datetime import date

# Julian day number of 1 Muharram 1 AH (16 July 622 CE, civil epoch).
_EPOCH_JDN = 1948440
_ORDINAL_OFFSET = 1721425  # date.fromordinal(n) is Julian day number n + 1721425


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """Gregorian date of a Hijri date by the tabular calendar (may differ by a day or two from sighting).

    Returns None for an impossible Hijri date.
    """
    if not (1 <= month <= 12 and 1 <= day <= 30 and 1 <= year <= 2000):
        return None
    jdn = day + (59 * (month - 1) + 1) // 2 + (year - 1) * 354 + (3 + 11 * year) // 30 + _EPOCH_JDN - 1
    return date.fromordinal(jdn - _ORDINAL_OFFSET)
