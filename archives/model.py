"""Fonds and dossier records with the fields Circular 05/2025/TT-BNV lists, and their validation.

A dossier is stored as `dossiers/<id>.json` (the object the importer already writes: id, title, agency, documents);
the archival fields are added beside those keys, so dossiers made by `records import` are dossiers here too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from documents.errors import RecordsError
from documents.model import now_iso

ACCESS_LEVELS = ("public", "internal", "restricted")  # công khai, sử dụng nội bộ, hạn chế tiếp cận
PERMANENT = "permanent"
MAX_RETENTION_YEARS = 200
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_LANG = re.compile(r"^[a-z]{3}$")
TEXT_LIMITS = {"title": 500, "name": 300, "physical_condition": 300, "paper_code": 100, "notes": 2000,
               "description": 2000}


class InvalidRecord(RecordsError):
    """A fonds or dossier value that is not valid (the message names the field and what is allowed)."""


class ArchiveConflict(RecordsError):
    """The action does not fit the record's state (under hold, kept permanently, not yet due, already destroyed or
    proposed); the message says what to do first."""


def check_code(value: str, what: str) -> str:
    """A fonds or dossier code: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit."""
    value = (value or "").strip()
    if not _CODE.match(value) or ".." in value:
        raise InvalidRecord(f"{what} code {value!r} is not allowed: use 1-64 letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit", "a_code", what=what, value=value)
    return value


def check_retention(value: Any) -> str | int | None:
    """`permanent`, a whole number of years (1-200), or None (not yet decided: never due for disposition)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().lower() in (PERMANENT, "vĩnh viễn", "vinh vien"):
        return PERMANENT
    try:
        years = int(str(value).strip().removesuffix("y").removesuffix(" years"))
    except ValueError:
        raise InvalidRecord(f"retention {value!r} must be 'permanent' or a number of years (1-"
                            f"{MAX_RETENTION_YEARS})", "a_retention", value=value, max=MAX_RETENTION_YEARS) from None
    if not 1 <= years <= MAX_RETENTION_YEARS:
        raise InvalidRecord(f"retention must be between 1 and {MAX_RETENTION_YEARS} years, not {years}",
                            "a_retention_range", max=MAX_RETENTION_YEARS, years=years)
    return years


def check_date(value: str | None, what: str) -> str | None:
    """An ISO date (yyyy-mm-dd) or None."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InvalidRecord(f"{what} {value!r} must be a date written yyyy-mm-dd", "a_date", what=what,
                            value=value) from None


def check_access_level(value: str | None) -> str:
    """One of ACCESS_LEVELS (default `internal`)."""
    value = (value or "internal").strip()
    if value not in ACCESS_LEVELS:
        raise InvalidRecord(f"access level must be one of {', '.join(ACCESS_LEVELS)}, not {value!r}", "a_access_level",
                            known=", ".join(ACCESS_LEVELS), value=value)
    return value


def check_text(value: Any, what: str) -> str | None:
    """Free text, trimmed, within its length limit."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    limit = TEXT_LIMITS.get(what, 500)
    if len(text) > limit:
        raise InvalidRecord(f"{what} is {len(text)} characters long; at most {limit} are allowed", "a_too_long",
                            what=what, n=len(text), max=limit)
    return text or None


@dataclass
class Fonds:
    """A fonds (phông lưu trữ): all the records one agency produced. Stored as `fonds/<code>.json`."""

    code: str
    name: str
    agency: str
    description: str | None = None
    created_at: str = field(default_factory=now_iso)
    created_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fonds:
        """Inverse of `to_dict` (unknown keys ignored)."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class LegalHold:
    """A legal hold on a dossier: while set, nothing can dispose of it."""

    by: str
    at: str
    reason: str


@dataclass
class Dossier:
    """A dossier (hồ sơ) with the circular's fields. `documents` is the ordered list of document ids."""

    id: str
    title: str
    agency: str
    documents: list[str] = field(default_factory=list)
    code: str | None = None  # mã hồ sơ / số và ký hiệu hồ sơ; the id when it was typed safely
    fonds: str | None = None  # mã phông
    retention: str | int | None = None  # thời hạn bảo quản: "permanent" or years
    retention_source: str | None = None  # "schedule" (from the agency's schedule) or "edited"
    access_level: str = "internal"  # chế độ sử dụng / mức độ tiếp cận
    language: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    keywords: list[str] = field(default_factory=list)
    physical_condition: str | None = None  # tình trạng vật lý
    paper_code: str | None = None  # mã hồ sơ giấy gốc (digitized dossiers)
    notes: str | None = None
    legal_hold: LegalHold | None = None
    destroyed: dict[str, Any] | None = None  # {"record": id, "at": timestamp} once disposed of
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    updated_by: str | None = None

    @property
    def display_code(self) -> str:
        """The code people type (`records export --dossier CODE`)."""
        return self.code or self.id

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Dossier:
        """Inverse of `to_dict`; dossiers written by the importer (id, title, agency, documents) load too."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known.setdefault("title", data.get("id", ""))
        known.setdefault("agency", "")
        if data.get("legal_hold"):
            known["legal_hold"] = LegalHold(**data["legal_hold"])
        known["documents"] = list(data.get("documents") or [])
        known["keywords"] = list(data.get("keywords") or [])
        known["access_level"] = data.get("access_level") or "internal"
        return cls(**known)


EDITABLE = ("title", "fonds", "retention", "access_level", "language", "start_date", "end_date", "keywords",
            "physical_condition", "paper_code", "notes")


def clean_dossier_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable fields given (others are refused); returns the cleaned values."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InvalidRecord(f"unknown dossier field(s): {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}",
                            "a_unknown_fields", fields=", ".join(sorted(unknown)), editable=", ".join(EDITABLE))
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "title":
            title = check_text(value, "title")
            if not title:
                raise InvalidRecord("a dossier needs a title", "a_needs_title")
            out[name] = title
        elif name == "fonds":
            out[name] = check_code(value, "fonds") if value not in (None, "") else None
        elif name == "retention":
            out[name] = check_retention(value)
        elif name == "access_level":
            out[name] = check_access_level(value)
        elif name == "language":
            lang = (value or "").strip() or None
            if lang and not _LANG.match(lang):
                raise InvalidRecord(f"language {lang!r} must be a three-letter code such as vie, eng, fra, urd",
                                    "a_language", value=lang)
            out[name] = lang
        elif name in ("start_date", "end_date"):
            out[name] = check_date(value, name.replace("_", " "))
        elif name == "keywords":
            items = value.split(",") if isinstance(value, str) else list(value or [])
            words = [str(k).strip() for k in items if str(k).strip()]
            if len(words) > 50 or any(len(w) > 100 for w in words):
                raise InvalidRecord("keywords: at most 50, each at most 100 characters", "a_keywords")
            out[name] = words
        else:
            out[name] = check_text(value, name)
    if out.get("start_date") and out.get("end_date") and out["start_date"] > out["end_date"]:
        raise InvalidRecord(f"start date {out['start_date']} is after end date {out['end_date']}", "a_dates_reversed",
                            start=out["start_date"], end=out["end_date"])
    return out
