"""Urdu and Arabic record headers: agency lines, the title (kind) line and the issuing office."""

from __future__ import annotations

import re
from dataclasses import dataclass

from metadata.doctype import arabic_script_kind
from metadata.numbers import arabic_script_number

# A "label:" inside a line (OCR merges the agency block with "الرقم: ..." printed beside it).
_LABEL = re.compile(r"\S+\s*[:：]")
_ISSUER = re.compile(r"^\W*(?:جاری کنندہ|جاری کردہ|صادر عن|الجهة المصدرة|صادرة عن)\s*[:：]\s*(.+)$")
_JOIN = {"urd": "، ", "ara": " - "}
# A letter names no kind: it greets its addressee and states its subject ("السيد ... المحترم", "تحية طيبة وبعد",
# "الموضوع:"; Urdu "جناب ...", "عنوان:"). Two of these in the top of the page make an official letter.
_LETTER_MARKS = (re.compile(r"المحترم"), re.compile(r"تحي[ةه]\s+طيب[ةه]"), re.compile(r"الموضوع\s*[:：]"),
                 re.compile(r"السلام\s+علیکم"), re.compile(r"(?:^|\s)جناب\s"), re.compile(r"عنوان\s*[:：]"))


@dataclass(frozen=True)
class ArabicScriptHeader:
    """What the top of an Urdu or Arabic record says."""

    number: str | None = None
    doc_type: str | None = None
    title: str | None = None
    issuing_body: str | None = None


def parse_header(lines: list[str], language: str) -> ArabicScriptHeader:
    """Number, kind, title and issuing body of an Urdu ("urd") or Arabic ("ara") record."""
    text_lines = [ln.strip() for ln in lines if ln.strip()]
    number = arabic_script_number(text_lines, language)
    title_at, doc_type = None, None
    for i, line in enumerate(text_lines[:10]):
        doc_type = arabic_script_kind(line, language)
        if doc_type:
            title_at = i
            break
    if doc_type is None and sum(bool(m.search("\n".join(text_lines[:15]))) for m in _LETTER_MARKS) >= 2:
        doc_type = "official_letter"
    title = text_lines[title_at].strip(" -_.،") if title_at is not None else None
    return ArabicScriptHeader(number, doc_type, title, _issuing_body(text_lines, title_at, language))


def _issuing_body(lines: list[str], title_at: int | None, language: str) -> str | None:
    block = []
    for line in lines[: title_at if title_at is not None else 2]:
        m = _LABEL.search(line)
        text = (line[: m.start()] if m else line).strip(" -_.،,|")
        if text and not any(c.isdigit() for c in text):
            block.append(text)
    body = _JOIN.get(language, " - ").join(block)
    for line in lines:
        m = _ISSUER.match(line)
        if m:
            issuer = m[1].strip(" .،")
            body = f"{body} - {issuer}" if body and issuer not in body else issuer
            break
    return body or None
