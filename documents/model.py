"""Plain data that flows through the pipeline and is stored as `manifest.json`."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

PIPELINE_VERSION = "2"  # 2: Arabic comma restored, Urdu words repaired, no text rows dropped as noise

VISIBILITIES = ("private", "shared", "public")
STATUSES = ("queued", "processing", "processed", "failed")
METADATA_SOURCES = ("extracted", "manifest", "edited")
FLAG_KINDS = ("rescan", "review")  # rescan: the scan itself is bad; review: a person should check the reading
FLAG_RESOLUTIONS = ("replaced", "corrected", "accepted")

DOC_TYPES = (
    "resolution", "decision", "directive", "regulation", "press_release", "notice", "guidance", "plan",
    "report", "meeting_minutes", "submission", "contract", "official_letter", "dispatch", "invitation",
    "circular", "public_notice", "permit", "license", "certificate", "land_record", "inspection_record",
    "application", "other",
)


def now_iso() -> str:
    """The current UTC time, ISO 8601, second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def document_id(sha256_hex: str, agency: str) -> str:
    """Id derived from content and owning agency: the same bytes for the same agency give the same id."""
    return hashlib.sha256(f"{agency}\0{sha256_hex}".encode()).hexdigest()[:24]


@dataclass
class Metadata:
    """What metadata extraction reads off a document (or a legacy manifest supplies)."""

    title: str | None = None
    doc_type: str = "other"
    doc_number: str | None = None
    issued_date: str | None = None  # ISO yyyy-mm-dd
    dates: list[str] = field(default_factory=list)
    issuing_body: str | None = None
    language: str | None = None  # Tesseract code: vie, urd, ara, eng
    page_count: int = 0
    ocr_confidence: float | None = None  # mean word confidence 0-100 over OCR'd pages


@dataclass
class PageFlag:
    """Why a page needs a person: `kind` is rescan or review, `reason` a code (e.g. `blurred`, `low_resolution`,
    `too_dark`, `cut_off`, `low_confidence`, `few_known_words`), `detail` the measurement behind it. A resolved
    flag stays on the page with who resolved it, when and how (replaced, corrected, accepted)."""

    kind: str
    reason: str
    detail: str = ""
    resolution: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None


@dataclass
class PageSource:
    """Where a page of a split or merged document comes from: that document's page (its original file)."""

    doc: str
    page: int


@dataclass
class PageSummary:
    """One page's result as recorded in the manifest (text and word boxes live in their own objects)."""

    number: int
    method: str  # "ocr" or "text_layer"
    lang: str
    width: int = 0
    height: int = 0
    confidence: float | None = None
    rotation: int = 0
    skew: float = 0.0
    chars: int = 0
    seconds: float = 0.0
    quality: dict[str, float | None] = field(default_factory=dict)  # measurements behind the flags
    blank: bool = False
    flags: list[PageFlag] = field(default_factory=list)
    text_edited: bool = False  # a person corrected this page's text (the OCR text is kept as a revision)
    source: PageSource | None = None  # set on pages of a split or merged document
    edited_lines: list[int] = field(default_factory=list)  # 1-based lines a person corrected
    sha256: dict[str, str] = field(default_factory=dict)  # derivative ("png", "txt", ...) -> hash when stored
    # How the OCR models were chosen (ocr/choose.py): langs, how (strip/both/...), against, margin, scores.
    language_choice: dict[str, Any] = field(default_factory=dict)


@dataclass
class Revision:
    """One change a person made to a document: who, when, what (action, field or page), before and after.
    The manifest keeps every revision, oldest first; originals are never changed."""

    at: str
    user: str
    action: str  # e.g. edit, text, visibility, rotate, replace_page, resolve_flag, split, merge, delete, restore
    field: str | None = None
    before: Any = None
    after: Any = None
    page: int | None = None


@dataclass
class Trashed:
    """A document in its agency's trash: hidden from search, restorable until `purge_after`, then purged."""

    at: str
    by: str
    purge_after: str


@dataclass
class OriginalFile:
    """The stored original: where it came from and what it is."""

    filename: str
    kind: str  # png, jpeg, tiff, pdf, webp, bmp, gif, heic
    ext: str
    size: int
    sha256: str


@dataclass
class Manifest:
    """`documents/<id>/manifest.json`: the system-of-record description of one document."""

    id: str
    agency: str
    original: OriginalFile
    visibility: str = "private"
    shared_with: list[str] = field(default_factory=list)
    status: str = "queued"
    error: str | None = None  # why it failed, in English (CLI, logs)
    lang: str = "auto"
    batch: str | None = None
    dossier: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    metadata_source: dict[str, str] = field(default_factory=dict)  # field -> one of METADATA_SOURCES
    supplied: dict[str, Any] = field(default_factory=dict)  # metadata given at import; wins over extraction
    pages: list[PageSummary] = field(default_factory=list)
    pipeline_version: str = PIPELINE_VERSION
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    revisions: list[Revision] = field(default_factory=list)
    trashed: Trashed | None = None
    derived_from: list[str] = field(default_factory=list)  # documents a split or merge made this one from
    superseded_by: list[str] = field(default_factory=list)  # documents a split or merge of this one made
    access_level: str | None = None  # archival access level (archives.model.ACCESS_LEVELS); None: the dossier's
    derivatives: dict[str, str] = field(default_factory=dict)  # whole-document derivative name -> sha256 when stored
    # `error`'s message key and params (documents.errors), for the web UI's translation; None: English only
    error_key: str | None = None
    error_params: dict[str, Any] = field(default_factory=dict)

    def set_error(self, status: str, reason: str | None, message: dict[str, Any] | None = None) -> None:
        """Enter `status` with `reason` (English, or None to clear it) and its keyed message."""
        self.status, self.error = status, reason
        self.error_key, self.error_params = (message["key"], message["params"]) if message else (None, {})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Inverse of `to_dict`; unknown keys (from newer versions) are ignored."""
        known = _known(cls, data)
        known["original"] = OriginalFile(**data["original"])
        known["metadata"] = Metadata(**_known(Metadata, data.get("metadata") or {}))
        known["pages"] = [page_from_dict(p) for p in data.get("pages") or []]
        known["revisions"] = [Revision(**_known(Revision, r)) for r in data.get("revisions") or []]
        if data.get("trashed"):
            known["trashed"] = Trashed(**_known(Trashed, data["trashed"]))
        return cls(**known)


def open_flags(manifest: Manifest) -> list[dict[str, Any]]:
    """The unresolved quality flags of a document's pages, page by page (for ledgers and lists)."""
    return [{"page": p.number, "kind": f.kind, "reason": f.reason, "detail": f.detail}
            for p in manifest.pages for f in p.flags if f.resolution is None]


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The keys of `data` that are fields of dataclass `cls` (newer versions may have written more)."""
    return {k: v for k, v in data.items() if k in cls.__dataclass_fields__}


def page_from_dict(data: dict[str, Any]) -> PageSummary:
    """A `PageSummary` from its stored JSON (the manifest's pages, or a page's own `NNNN.json`)."""
    known = _known(PageSummary, data)
    known["flags"] = [PageFlag(**_known(PageFlag, f)) for f in data.get("flags") or []]
    if data.get("source"):
        known["source"] = PageSource(**_known(PageSource, data["source"]))
    return PageSummary(**known)


def original_key(doc_id: str, ext: str) -> str:
    """Store key of a document's original."""
    return f"documents/{doc_id}/original.{ext}"


def manifest_key(doc_id: str) -> str:
    """Store key of a document's manifest."""
    return f"documents/{doc_id}/manifest.json"


def page_key(doc_id: str, number: int, what: str) -> str:
    """Store key of a per-page derivative: `what` is e.g. `png`, `txt`, `words.json`, `hocr`, `thumb.jpg`."""
    return f"documents/{doc_id}/pages/{number:04d}.{what}"


def derivative_key(doc_id: str, name: str) -> str:
    """Store key of a whole-document derivative such as `searchable.pdf` or `text.txt`."""
    return f"documents/{doc_id}/{name}"
