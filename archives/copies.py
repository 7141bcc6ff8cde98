"""User copies: users outside the owning agency get a copy, never the original. A copy is the document's
searchable PDF with a visible stamp on every page — "COPY / BẢN SAO", who it was issued to, their agency and the
date — so a print or a forwarded file always shows whose copy it is.

The stamp is drawn in a standard PDF font (Helvetica, which every reader has), so its text is folded to ASCII
(`BAN SAO`); user and agency names are ASCII already (catalog.users)."""

from __future__ import annotations

import io
import unicodedata

import pikepdf
from pikepdf import Dictionary, Name

from documents.access import Principal
from documents.errors import ProcessingFailed
from documents.model import Manifest


def may_have_original(principal: Principal, manifest: Manifest) -> bool:
    """The owning agency's users and the local administrator get originals; every other user gets a copy."""
    return principal.all_agencies or principal.agency == manifest.agency


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c) and 32 <= ord(c) < 127)


def _pdf_string(text: str) -> str:
    return "(" + _ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def stamp_lines(principal: Principal, day: str) -> list[str]:
    """The stamp's lines for a copy issued to `principal` on `day` (yyyy-mm-dd)."""
    return ["COPY - BAN SAO", f"issued to {principal.user} ({principal.agency or '-'}) on {day}",
            "not the original - khong phai ban goc"]


def stamp_pdf(pdf: bytes, lines: list[str]) -> bytes:
    """`pdf` with `lines` stamped in red at the top of every page and "COPY" across it (outlined, so the page
    stays readable). Raises ProcessingFailed for a PDF that cannot be read."""
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except (pikepdf.PdfError, ValueError) as exc:
        raise ProcessingFailed(f"the copy cannot be made: the document's PDF is unreadable ({exc})") from exc
    with doc:
        font = doc.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                            Encoding=Name.WinAnsiEncoding))
        for page in doc.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            width, height = x1 - x0, y1 - y0
            size = max(7.0, min(width, height) / 60)
            ops = ["Q", "q", "1 0 0 RG 1 0 0 rg", f"{size * 0.1:.2f} w"]
            top = y1 - size * 1.6
            box_h = size * 1.3 * len(lines) + size * 0.6
            ops.append(f"{x0 + size:.2f} {top - box_h + size * 1.2:.2f} {width * 0.62:.2f} {box_h:.2f} re S")
            for i, line in enumerate(lines):
                ops.append(f"BT /RecStamp {size:.2f} Tf {x0 + size * 1.5:.2f} {top - i * size * 1.3:.2f} Td "
                           f"{_pdf_string(line)} Tj ET")
            big = min(width, height) / 5
            ops.append(f"{big * 0.02:.2f} w")
            ops.append(f"BT 1 Tr /RecStamp {big:.2f} Tf 0.7071 0.7071 -0.7071 0.7071 {x0 + width * 0.22:.2f} "
                       f"{y0 + height * 0.3:.2f} Tm (COPY) Tj ET")
            ops.append("Q")
            resources = page.obj.get("/Resources")
            if resources is None:
                page.obj.Resources = resources = Dictionary()
            fonts = resources.get("/Font")
            if fonts is None:
                resources.Font = fonts = Dictionary()
            fonts.RecStamp = font
            page.contents_add(pikepdf.Stream(doc, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(doc, "\n".join(ops).encode()), prepend=False)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()
