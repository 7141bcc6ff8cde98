"""English record headers: agency lines, the kind line ("CERTIFICATE OF OCCUPANCY") and the title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from metadata.doctype import english_kind
from metadata.numbers import english_number

_SMALL_WORDS = {"of", "and", "the", "for", "to", "in", "on", "at", "by", "a", "an", "or"}
_LABEL = re.compile(r":|\bNo\b\.?", re.IGNORECASE)
_ISSUER = re.compile(r"^\W*(?:issued by|issuing (?:authority|office))\s*:\s*(.+)$", re.IGNORECASE)
_KIND_DASH_DATE = re.compile(r"^(.*?)\s*[-–—]\s*(\w+\.? \d{1,2},? \d{4}|\d{1,2} \w+\.? \d{4})$")


@dataclass(frozen=True)
class EnglishHeader:
    """What the top of an English record says."""

    number: str | None = None
    doc_type: str | None = None
    title: str | None = None
    issuing_body: str | None = None


def parse_header(lines: list[str]) -> EnglishHeader:
    """Number, kind, title and issuing body of an English record from its lines (blank lines allowed)."""
    text_lines = [ln.strip() for ln in lines if ln.strip()]
    number = english_number(text_lines)
    kind_at, doc_type = None, None
    for i, line in enumerate(text_lines[:12]):
        if _LABEL.search(line):
            continue
        doc_type = english_kind(line)
        if doc_type:
            kind_at = i
            break
    body = _issuing_body(text_lines, kind_at)
    title = None
    if kind_at is not None:
        title = _kind_title(text_lines[kind_at])
        if doc_type in ("certificate", "license", "permit") and number and number not in title:
            title = f"{title} {number}"
        if doc_type == "meeting_minutes" and body and body.lower() not in title.lower():
            title = f"{body} - {title}"
    return EnglishHeader(number, doc_type, title, body)


def title_case(line: str) -> str:
    """Title case for a line printed in capitals ("CITY OF PORT ELLISON" -> "City of Port Ellison")."""
    if any(c.islower() for c in line):
        return line
    words = line.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _kind_title(line: str) -> str:
    line = title_case(line.strip(" -_|.,"))
    m = _KIND_DASH_DATE.match(line)
    # "Minutes - April 18, 2024" reads as "Minutes of April 18, 2024".
    return f"{m[1]} of {m[2]}" if m and m[1] else line


def _issuing_body(lines: list[str], kind_at: int | None) -> str | None:
    for line in lines:
        m = _ISSUER.match(line)
        if m:
            return m[1].strip()
    block = []
    for line in lines[: kind_at if kind_at is not None else 3]:
        if _LABEL.search(line) or any(c.isdigit() for c in line) or len(block) == 3:
            break
        block.append(title_case(line.strip(" -_|.,")))
    return ", ".join(b for b in block if b) or None
