"""Edit a document's metadata: validated like the import manifest, each field marked `edited`, every change kept
as a revision (who, when, before, after), search updated at once."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from changes.core import ChangeRefused, Editor, change_document, check_editable, revision
from changes.rules import can_edit
from documents.model import Manifest, Revision
from ingest.legacy.fields import parse_date, parse_doc_type, parse_language

# Fields a person may edit: the extracted metadata plus the document's dossier and tags.
METADATA_FIELDS = ("title", "doc_type", "doc_number", "issued_date", "issuing_body", "language")
EDITABLE = (*METADATA_FIELDS, "dossier", "tags")
MAX_TEXT = 1000
MAX_TAGS = 50
MAX_TAG = 64
_DOSSIER = re.compile(r"^[\w.@/-]{1,128}$", re.UNICODE)
_TAG_SPLIT = re.compile(r"[,;|]")


def _clean_text(name: str, raw: Any) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ChangeRefused(f"{name} must be text", "c_field_not_text", name=name)
    text = unicodedata.normalize("NFC", raw).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ChangeRefused(f"{name} may not hold control characters (new lines, tabs)", "c_field_control", name=name)
    if len(text) > MAX_TEXT:
        raise ChangeRefused(f"{name} is {len(text)} characters long; at most {MAX_TEXT}", "c_field_too_long", name=name,
                            n=len(text), max=MAX_TEXT)
    return text or None


def parse_tags(raw: Any) -> list[str]:
    """Tags from a list or a comma-separated string: trimmed, de-duplicated, each at most 64 characters."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else _TAG_SPLIT.split(raw) if isinstance(raw, str) else None
    if items is None:
        raise ChangeRefused("tags must be a list of words or a comma-separated text", "c_tags_form")
    tags: list[str] = []
    for item in items:
        tag = _clean_text("a tag", item)
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise ChangeRefused(f"tag {tag[:20]!r}... is longer than {MAX_TAG} characters", "c_tag_too_long",
                                tag=tag[:20], max=MAX_TAG)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ChangeRefused(f"{len(tags)} tags; at most {MAX_TAGS}", "c_too_many_tags", n=len(tags), max=MAX_TAGS)
    return tags


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """The requested values normalised (dates to ISO, types and languages to codes, tags to a list); raises
    `ChangeRefused` naming the first bad field. An empty value clears a field (a type falls back to `other`)."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ChangeRefused(f"cannot edit {', '.join(unknown)}: editable fields are {', '.join(EDITABLE)}",
                            "c_not_editable", fields=", ".join(unknown), editable=", ".join(EDITABLE))
    out: dict[str, Any] = {}
    for name, raw in values.items():
        if name == "tags":
            out[name] = parse_tags(raw)
            continue
        text = _clean_text(name, raw)
        try:
            if text is None:
                out[name] = "other" if name == "doc_type" else None
            elif name == "doc_type":
                out[name] = parse_doc_type(text)
            elif name == "issued_date":
                out[name] = parse_date(text)
            elif name == "language":
                out[name] = parse_language(text)
            elif name == "dossier":
                if not _DOSSIER.match(text):
                    raise ValueError(f"dossier {text!r} is not a dossier id (letters, digits, . _ - / @)")
                out[name] = text
            else:
                out[name] = text
        except ValueError as exc:
            raise ChangeRefused(str(exc)) from None
    return out


def current(manifest: Manifest, name: str) -> Any:
    """A field's current value."""
    if name in METADATA_FIELDS:
        return getattr(manifest.metadata, name)
    return list(manifest.tags) if name == "tags" else getattr(manifest, name)


def edit_metadata(editor: Editor, doc_id: str, values: dict[str, Any]) -> Manifest:
    """Set the given fields of `doc_id` (see `validate`); unchanged values make no revision."""
    cleaned = validate(values)
    if not cleaned:
        raise ChangeRefused("nothing to change: give at least one field", "c_nothing_to_change")

    def mutate(manifest: Manifest) -> list[Revision]:
        check_editable(manifest)
        made = []
        for name, value in cleaned.items():
            before = current(manifest, name)
            if before == value:
                continue
            if name in METADATA_FIELDS:
                setattr(manifest.metadata, name, value)
            elif name == "tags":
                manifest.tags = value
            else:
                manifest.dossier = value
            manifest.metadata_source[name] = "edited"
            made.append(revision(editor, "edit", field=name, before=before, after=value))
        return made

    return change_document(editor, doc_id, "edit", can_edit, mutate)
