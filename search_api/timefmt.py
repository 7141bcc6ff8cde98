"""Times on screen in the office's time zone (`RECORDS_TIMEZONE`, default Asia/Ho_Chi_Minh); the store keeps UTC.

Vietnamese shows `dd/mm/yyyy HH:MM`, English `2 Dec 2026, 16:53`; static/timefmt.js formats times the same way
in the browser (the upload page's live batch list)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def office_zone(name: str | None = None) -> ZoneInfo:
    """The zone `name`, else `RECORDS_TIMEZONE`, else Asia/Ho_Chi_Minh; ValueError naming the setting when unknown."""
    name = name or os.environ.get("RECORDS_TIMEZONE") or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"RECORDS_TIMEZONE {name!r} is not a known time zone: use an IANA name such as "
                         f"{DEFAULT_ZONE} or Europe/Paris (the system's tzdata must be installed)") from None


def in_zone(ts: str | None, zone: ZoneInfo) -> datetime | None:
    """A stored ISO timestamp (UTC, or with its own offset; naive is taken as UTC) in `zone`; None when empty or
    not a timestamp."""
    if not ts or len(ts) < 16:
        return None
    try:
        moment = datetime.fromisoformat(ts)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def _day(moment: datetime, lang: str) -> str:
    if lang == "vi":
        return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def local_time(ts: str | None, lang: str, zone: ZoneInfo) -> str:
    """`ts` as date and time in `zone`: `02/12/2026 16:53` (vi), `2 Dec 2026, 16:53` (en); other text unchanged."""
    moment = in_zone(ts, zone)
    if moment is None:
        return ts or ""
    return f"{_day(moment, lang)}{' ' if lang == 'vi' else ', '}{moment.hour:02d}:{moment.minute:02d}"


def local_day(ts: str | None, lang: str, zone: ZoneInfo) -> str:
    """The day of `ts` in `zone`: `02/12/2026` (vi), `2 Dec 2026` (en); other text unchanged."""
    moment = in_zone(ts, zone)
    return _day(moment, lang) if moment is not None else (ts or "")


def zone_label(zone: ZoneInfo, at: datetime | None = None) -> str:
    """`Asia/Ho_Chi_Minh (UTC+07:00)`: the zone and its offset now (or `at`)."""
    offset = (at or datetime.now(UTC)).astimezone(zone).strftime("%z")
    return f"{zone.key} (UTC{offset[:3]}:{offset[3:]})"


def local_iso(ts: str, zone: ZoneInfo) -> str:
    """`ts` as ISO 8601 with the zone's offset (`2026-12-02T16:53:00+07:00`), for exports."""
    moment = in_zone(ts, zone)
    return moment.isoformat() if moment is not None else ts


def day_bounds_utc(day: str | None, zone: ZoneInfo, end: bool = False) -> str | None:
    """The UTC timestamp where local day `day` (yyyy-mm-dd) starts (or, with `end`, its last second), so a filter by
    the office's calendar day matches what the screen shows."""
    if not day:
        return None
    local = datetime.combine(date.fromisoformat(day), time.min, zone)
    if end:
        local = local + timedelta(days=1) - timedelta(seconds=1)
    return local.astimezone(UTC).isoformat()
