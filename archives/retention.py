"""Retention: each agency's schedule (document type or dossier code -> period) and when a dossier falls due.

The schedule is stored as `archives/schedules/<agency>.json` in the object store. A dossier's own retention (set
at creation from the schedule, or edited per dossier) wins; a dossier without one takes the schedule's rule for
its code, else the longest period of its documents' types (permanent beats any number of years), else the
schedule's default. Following archival practice the period runs from 1 January of the year after the dossier's
end date (its last document's date when no end date was entered).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date

from archives.model import PERMANENT, Dossier, InvalidRecord, check_retention
from documents.errors import NotFound
from documents.model import DOC_TYPES, Manifest
from ingest.legacy.dossiers import _UNSAFE


def schedule_key(agency: str) -> str:
    """Store key of an agency's retention schedule."""
    if not agency or _UNSAFE.search(agency) or ".." in agency:
        raise InvalidRecord(f"agency name {agency!r} is not valid")
    return f"archives/schedules/{agency}.json"


@dataclass
class Schedule:
    """An agency's retention schedule: periods by document type, by dossier code pattern, and a default."""

    agency: str
    doc_types: dict[str, str | int] = field(default_factory=dict)
    dossiers: dict[str, str | int] = field(default_factory=dict)  # code or shell pattern (HS-TD-*) -> period
    default: str | int | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return {"agency": self.agency, "doc_types": self.doc_types, "dossiers": self.dossiers,
                "default": self.default}

    def for_dossier(self, dossier: Dossier, manifests: list[Manifest]) -> str | int | None:
        """The period this schedule gives `dossier` (None when it names none)."""
        code = dossier.display_code
        for pattern, period in self.dossiers.items():
            if fnmatch.fnmatchcase(code, pattern):
                return period
        periods = [self.doc_types[m.metadata.doc_type] for m in manifests if m.metadata.doc_type in self.doc_types]
        return longest(periods) if periods else self.default


def longest(periods: list[str | int]) -> str | int | None:
    """The longest of some retention periods (permanent is the longest)."""
    if PERMANENT in periods:
        return PERMANENT
    years = [p for p in periods if isinstance(p, int)]
    return max(years) if years else None


def get_schedule(store, agency: str) -> Schedule:
    """The agency's schedule (empty when none was set)."""
    try:
        data = store.get_json(schedule_key(agency))
    except NotFound:
        return Schedule(agency=agency)
    return Schedule(agency=agency, doc_types=dict(data.get("doc_types") or {}),
                    dossiers=dict(data.get("dossiers") or {}), default=data.get("default"))


def set_rule(store, agency: str, *, doc_type: str | None = None, dossier: str | None = None,
             default: bool = False, period: str | int | None) -> Schedule:
    """Set (or with `period=None` remove) one rule of the agency's schedule and store it."""
    schedule = get_schedule(store, agency)
    value = check_retention(period)
    if doc_type:
        if doc_type not in DOC_TYPES:
            raise InvalidRecord(f"document type {doc_type!r} is not one of {', '.join(DOC_TYPES)}")
        _put(schedule.doc_types, doc_type, value)
    elif dossier:
        _put(schedule.dossiers, dossier.strip(), value)
    elif default:
        schedule.default = value
    else:
        raise InvalidRecord("say what the period applies to: a document type, a dossier code (pattern) or the default")
    store.put_json(schedule_key(agency), schedule.to_dict())
    return schedule


def _put(rules: dict, key: str, value) -> None:
    if value is None:
        rules.pop(key, None)
    else:
        rules[key] = value


def effective_retention(dossier: Dossier, schedule: Schedule, manifests: list[Manifest]) -> str | int | None:
    """The dossier's own retention, else what the schedule gives it."""
    if dossier.retention is not None:
        return dossier.retention
    return schedule.for_dossier(dossier, manifests)


def closing_date(dossier: Dossier, manifests: list[Manifest]) -> date | None:
    """The dossier's end date, else its latest document date."""
    if dossier.end_date:
        return date.fromisoformat(dossier.end_date)
    dates = [m.metadata.issued_date for m in manifests if m.metadata.issued_date]
    try:
        return max(date.fromisoformat(d[:10]) for d in dates) if dates else None
    except ValueError:
        return None


def expires_on(retention: str | int | None, closed: date | None) -> date | None:
    """The first day the dossier may be destroyed; None for permanent or undecided retention or no date."""
    if not isinstance(retention, int) or closed is None:
        return None
    return date(closed.year + 1 + retention, 1, 1)
