"""One manifest row: its values normalised (dates to ISO, types and languages to codes) and its problems listed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from documents.model import DOC_TYPES, VISIBILITIES
from ingest.legacy.paths import normalise_relpath

COLUMNS = ("path", "agency", "title", "doc_type", "doc_number", "issued_date", "issuing_body", "language",
           "visibility", "shared_with", "dossier", "dossier_title", "tags")
# fields that go into the document's metadata and win over extracted values
SUPPLIED = ("title", "doc_type", "doc_number", "issued_date", "issuing_body", "language")

LANGUAGES = {"vie": "vie", "vi": "vie", "vietnamese": "vie", "tieng viet": "vie",
             "eng": "eng", "en": "eng", "english": "eng",
             "urd": "urd", "ur": "urd", "urdu": "urd",
             "ara": "ara", "ar": "ara", "arabic": "ara"}

# the Vietnamese kind names of DESIGN.md (folded, lower case), as spreadsheets often hold them
_VI_DOC_TYPES = {"nghi quyet": "resolution", "quyet dinh": "decision", "chi thi": "directive",
                 "quy che": "regulation", "quy dinh": "regulation", "thong cao": "press_release",
                 "thong bao": "notice", "huong dan": "guidance", "ke hoach": "plan", "chuong trinh": "plan",
                 "phuong an": "plan", "de an": "plan", "bao cao": "report", "bien ban": "meeting_minutes",
                 "to trinh": "submission", "hop dong": "contract", "cong van": "official_letter",
                 "cong dien": "dispatch", "giay moi": "invitation", "thong tu": "circular"}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")  # Excel adds a time
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_LIST_SPLIT = re.compile(r"[|,;]")


@dataclass
class ManifestRow:
    """A manifest row after normalisation. `errors` are reasons a clerk can act on (without the line number)."""

    line: int
    path: str | None
    supplied: dict[str, str] = field(default_factory=dict)
    agency: str | None = None
    visibility: str | None = None
    shared_with: list[str] = field(default_factory=list)
    dossier: str | None = None
    dossier_title: str | None = None
    tags: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (stored in the journal)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManifestRow:
        """Inverse of `to_dict`."""
        return cls(**data)


def fold(text: str) -> str:
    """Lower case without diacritics; `đ` folds to `d` (it is a letter of its own, not a d with a mark)."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def parse_date(raw: str) -> str:
    """`raw` (ISO yyyy-mm-dd or dd/mm/yyyy) as ISO; raises ValueError with the reason."""
    text = raw.strip()
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError(f"issued_date {raw!r} is not a date: write yyyy-mm-dd or dd/mm/yyyy")
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        raise ValueError(f"issued_date {raw!r} is not a real calendar date") from None


def parse_doc_type(raw: str) -> str:
    """`raw` as one of DOC_TYPES (English code, or the Vietnamese kind name); raises ValueError."""
    folded = fold(raw)
    code = folded.replace(" ", "_").replace("-", "_")
    if code in DOC_TYPES:
        return code
    if folded in _VI_DOC_TYPES:
        return _VI_DOC_TYPES[folded]
    raise ValueError(f"doc_type {raw!r} is unknown: use one of {', '.join(DOC_TYPES)}")


def parse_language(raw: str) -> str:
    """`raw` as a Tesseract language code (vie, eng, urd, ara); raises ValueError."""
    code = LANGUAGES.get(fold(raw))
    if code is None:
        raise ValueError(f"language {raw!r} is unknown: use vie, eng, urd or ara")
    return code


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value.strip()


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    return [part.strip() for part in _LIST_SPLIT.split(_text(value)) if part.strip()]


def parse_row(line: int, values: dict[str, Any], known_agencies: frozenset[str] | None,
              agency_name_ok) -> ManifestRow:
    """Normalise one row (keys already lower-cased column names).

    `known_agencies` None means "not checked" (the catalog knows none); `agency_name_ok(name)` says whether
    a name is syntactically acceptable.
    """
    row = ManifestRow(line=line, path=None)
    raw_path = values.get("path")
    try:
        text_path = _text(raw_path)
    except ValueError as exc:
        row.errors.append(f"path: {exc}")
        text_path = ""
    if not text_path:
        row.errors.append("no path: every row needs the file's path relative to the imported folder or zip")
    else:
        row.path = normalise_relpath(text_path)
        if row.path is None:
            row.errors.append(f"path {text_path!r} is absolute or leaves the imported folder ('..')")

    def take(name: str, parse) -> None:
        try:
            raw = _text(values.get(name))
        except ValueError as exc:
            row.errors.append(f"{name}: {exc}")
            return
        if raw:
            try:
                row.supplied[name] = parse(raw)
            except ValueError as exc:
                row.errors.append(str(exc))

    take("title", str)
    take("doc_type", parse_doc_type)
    take("doc_number", str)
    take("issued_date", parse_date)
    take("issuing_body", str)
    take("language", parse_language)

    try:
        row.agency = _text(values.get("agency")) or None
        row.visibility = fold(_text(values.get("visibility"))) or None
        row.shared_with = _list(values.get("shared_with"))
        row.tags = _list(values.get("tags"))
        row.dossier = _text(values.get("dossier")) or None
        row.dossier_title = _text(values.get("dossier_title")) or None
    except ValueError as exc:
        row.errors.append(str(exc))
    for name in [row.agency, *row.shared_with]:
        if name and not agency_name_ok(name):
            row.errors.append(f"agency {name!r} is not a valid agency name")
        elif name and known_agencies is not None and name not in known_agencies:
            row.errors.append(f"agency {name!r} is unknown to the catalog (known: {', '.join(sorted(known_agencies))})")
    if row.visibility is not None and row.visibility not in VISIBILITIES:
        row.errors.append(f"visibility {row.visibility!r} is unknown: use {', '.join(VISIBILITIES)}")
    if row.visibility == "shared" and not row.shared_with:
        row.errors.append("visibility 'shared' needs the agencies to share with (shared_with)")
    return row
