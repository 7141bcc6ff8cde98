"""Vietnamese administrative headers (Decree 30/2020/ND-CP): issuing body, number, kind line and subject."""

from __future__ import annotations

import re
from dataclasses import dataclass

from metadata.digits import fold
from metadata.doctype import VI_ABBREVIATIONS, vietnamese_abbreviation_type, vietnamese_kind

# "87/TB-UBND", "12/2024/QĐ-UBND", "342/SNV-VTLT"; OCR adds spaces and dots around the separators.
_NUMBER = re.compile(r"(?<![\d/])(\d{1,5})\s*/\s*((?:\d{4}\s*/\s*)?[A-ZĐ][A-ZĐa-z0-9&]*"
                     r"(?:(?:\s?[-–—]\s?\.?|\.?\s?[-–—]\s?)[A-ZĐ][A-ZĐa-z0-9&]*)*)")
# The national title and motto printed right of the agency block; OCR merges them into the same lines.
_MOTTO = re.compile(r"\bc[o0]ng\s*h[o0]a\s*x|\bd[o0]c\s*l[a4]p\b|\btu\s*do\s*-|\bh[a4]nh\s*h?ph[u0]c\b")
# ", ngày 04 ..." of the "<Place>, ngày ..." line printed right of the number / subject block.
_PLACE_DATE = re.compile(r"\s*,\s*ng\w{0,2}\s*\d")
_VV = re.compile(r"^\W*v\s*/\s*v\W\s*")
# Lines that open the body of a document rather than continue its subject.
_BODY_OPENERS = ("can cu", "kinh gui", "thuc hien", "theo ", "xet ", "qua ", "nham ", "de ", "tren co so",
                 "hom nay", "dieu ", "ngay ", "chu tich", "giam doc", "tm.", "kt.")
_PLACE_NAMES = {"thanh pho": "thành phố", "thi xa": "thị xã", "thi tran": "thị trấn", "tinh": "tỉnh", "quan": "quận",
                "huyen": "huyện", "phuong": "phường", "xa": "xã"}
_PLACE_TYPES = tuple(_PLACE_NAMES)
_ORGS = {
    "uy ban nhan dan": "Ủy ban nhân dân", "ubnd": "Ủy ban nhân dân", "hoi dong nhan dan": "Hội đồng nhân dân",
    "hdnd": "Hội đồng nhân dân", "so": "Sở", "bo": "Bộ", "phong": "Phòng", "cuc": "Cục", "chi cuc": "Chi cục",
    "tong cuc": "Tổng cục", "van phong": "Văn phòng", "ban": "Ban", "truong": "Trường",
    "benh vien": "Bệnh viện", "trung tam": "Trung tâm", "cong an": "Công an", "toa an nhan dan": "Tòa án nhân dân",
}


@dataclass(frozen=True)
class VietHeader:
    """What the header block of a Vietnamese administrative document says."""

    number: str | None = None
    doc_type: str | None = None
    title: str | None = None
    issuing_body: str | None = None


def parse_header(lines: list[str]) -> VietHeader:
    """Read number, kind, title ("<Kind> <subject>") and issuing body from a document's first lines."""
    head = lines[:40]
    number, number_at = _number(head)
    kind_at, kind = _kind_line(head)
    title = None
    doc_type = kind[0] if kind else None
    if kind and number:
        number = _agree_with_kind(number, kind[0])
    if kind:
        subject = _subject(head[kind_at + 1:])
        title = f"{kind[1]} {subject}" if subject else kind[1]
    else:
        subject = _vv_subject(head)
        if subject or number:
            doc_type = (number and vietnamese_abbreviation_type(number)) or "official_letter"
        if subject:
            title = f"Công văn {subject}" if doc_type == "official_letter" else subject
    body_end = number_at if number_at is not None else (kind_at if kind_at is not None else min(len(head), 6))
    return VietHeader(number, doc_type, title, _issuing_body(head[:body_end]))


def strip_right_block(line: str) -> str:
    """Cut the national motto and the "<place>, ngày ..." line that OCR merged into a left-block line."""
    folded = fold(line)
    cut = len(line)
    m = _MOTTO.search(folded)
    if m:
        cut = m.start()
    m = _PLACE_DATE.search(folded)
    if m and m.start() < cut:
        # The place name before the comma: up to four capitalised words.
        cut = m.start()
        words = list(re.finditer(r"\S+", line[:cut]))
        for w in reversed(words[-4:]):
            if not w[0][0].isupper():
                break
            cut = w.start()
    return line[:cut].rstrip(" -_.,|;:")


def _agree_with_kind(number: str, doc_type: str) -> str:
    """The number with its kind abbreviation read back from OCR ("458/IB-SNV" under THÔNG BÁO -> "458/TB-SNV"):
    only a one-letter slip, and only to the one abbreviation of the kind the header names."""
    serial, _, code = number.partition("/")
    first, sep, rest = code.partition("-")
    if not sep or VI_ABBREVIATIONS.get(first.upper()) == doc_type:
        return number
    near = [abbr for abbr, kind in VI_ABBREVIATIONS.items() if kind == doc_type and len(abbr) == len(first)
            and sum(a != b for a, b in zip(abbr, first.upper(), strict=True)) == 1]
    return f"{serial}/{near[0]}-{rest}" if len(near) == 1 else number


def _number(lines: list[str]) -> tuple[str | None, int | None]:
    found: tuple[str | None, int | None] = (None, None)
    for i, line in enumerate(lines):
        m = _NUMBER.search(line)
        if not m:
            continue
        number = f"{m[1]}/" + re.sub(r"\s*[-–—.]+\s*", "-", re.sub(r"\s*/\s*", "/", m[2]))
        if re.match(r"\W*s\w{0,2}\b", fold(line)):  # "Số:", OCR "Sé:", "So", "§ố"
            return number, i
        if found[0] is None:
            found = (number, i)
    return found


def _kind_line(lines: list[str]) -> tuple[int | None, tuple[str, str] | None]:
    for i, line in enumerate(lines):
        if fold(line).lstrip(" -_.|'\"`").startswith(_BODY_OPENERS[:3]):  # the kind line is above the body
            break
        kind = vietnamese_kind(line.strip(" \"'“”.:-_|`"))
        if kind:
            return i, kind
    return None, None


def _subject(lines: list[str]) -> str | None:
    """The subject lines under the kind line, up to the body, a capitals line or a blank after text."""
    parts: list[str] = []
    for line in lines:
        text = line.strip(" -_|'\"`")
        if not text:
            if parts:
                break
            continue
        letters = [c for c in text if c.isalpha()]
        if (fold(text).startswith(_BODY_OPENERS) or not any(c.islower() for c in letters)
                or re.match(r"\d+[.)]", text) or len(parts) == 4):
            break
        parts.append(text)
    return _lower_first(_fix_ve_viec(" ".join(parts))) if parts else None


def _vv_subject(lines: list[str]) -> str | None:
    """The "V/v ..." subject of an official letter with its lower-case continuation lines."""
    for i, line in enumerate(lines):
        m = _VV.match(fold(line))
        if not m:
            continue
        parts = [strip_right_block(line[m.end():])]
        for nxt in lines[i + 1:i + 6]:
            text = strip_right_block(nxt).strip(" -_|")
            if not text:
                continue
            if not text[0].islower() or len(parts) == 3:
                break
            parts.append(text)
        subject = " ".join(p for p in parts if p)
        return subject or None
    return None


def _fix_ve_viec(subject: str) -> str:
    # OCR drops the marks of the fixed opener "Về việc"; put them back so titles read right.
    m = re.match(r"ve\s+viec\b", fold(subject))
    if m:
        return "về việc" + subject[m.end():]
    if re.match(r"ve\b", fold(subject)):
        return "về" + subject[2:]
    return subject


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _issuing_body(lines: list[str]) -> str | None:
    """'Ủy ban nhân dân phường Vĩnh Hải, thành phố Nha Trang' from the capitals block above the number."""
    block = []
    for line in lines:
        text = strip_right_block(line).strip(" -_.|'\"`")
        letters = [c for c in text if c.isalpha()]
        if len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.7 * len(letters):
            block.append(text)
    if not block:
        return None
    cased = [_case_agency(b) for b in block]
    if len(cased) == 1:
        return cased[0][1]
    parent_org, parent = cased[0]
    own = " ".join(c[1] for c in cased[1:])
    own_has_place = any(c[0] == "place" or " " + p + " " in " " + fold(c[1]) + " "
                        for c in cased[1:] for p in _PLACE_TYPES)
    if parent_org == "people's committee":
        parent = parent.removeprefix("Ủy ban nhân dân").strip()
    return f"{own}, {parent}" if own_has_place else f"{own} {parent}"


def _case_agency(line: str) -> tuple[str, str]:
    """(what the line starts with, the line in normal case): capitals to Vietnamese agency-name case."""
    words = line.split()
    folded = [fold(w) for w in words]
    out: list[str] = []
    kind = "other"
    i = 0
    for n in (4, 3, 2, 1):
        key = " ".join(folded[:n])
        if len(words) >= n and key in _ORGS:
            out.append(_ORGS[key])
            kind = "people's committee" if key in ("uy ban nhan dan", "ubnd") else "org"
            i = n
            break
    rest = words[i:]
    rest_folded = " ".join(folded[i:])
    for p in _PLACE_TYPES:
        if rest_folded == p or rest_folded.startswith(p + " "):
            n = len(p.split())
            out.append(_PLACE_NAMES[p])
            out.extend(w.capitalize() for w in rest[n:])
            return ("place" if i == 0 else kind), " ".join(out)
    if rest:
        out.append(" ".join([rest[0].capitalize(), *(w.lower() for w in rest[1:])]))
    return kind, " ".join(out)
