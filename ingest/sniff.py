"""Type by content, never by extension."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from documents.errors import RejectedInput, keyed

# kind -> extension used for the stored original
EXTENSIONS = {"png": "png", "jpeg": "jpg", "tiff": "tif", "pdf": "pdf", "webp": "webp", "bmp": "bmp",
              "gif": "gif", "heic": "heic"}
_PDF_HEADER_WINDOW = 1024  # PDF readers accept junk before %PDF- within the first KiB


@dataclass(frozen=True)
class Sniffed:
    """What a file is: a supported document `kind`, or an `archive` to expand."""

    kind: str  # one of EXTENSIONS, or "zip"

    @property
    def ext(self) -> str:
        """Extension for the stored original."""
        return EXTENSIONS[self.kind]


def _sniff_head(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM" and len(head) >= 26:
        return "bmp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        return "heic"
    if head.startswith(b"PK\x03\x04"):  # before the PDF test: a stored PDF member shows %PDF- early on
        return "zip"
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    return None


# what an unsupported file seems to be: message key (search_api/locale) -> the English words
_UNKNOWN_KINDS = {"kind_rtf": "an RTF document", "kind_unknown": "not a recognised image or PDF",
                  "kind_text": "a text file"}


def _describe_unknown(head: bytes) -> str:
    """A hint of what the file is, for the clerk: a key of _UNKNOWN_KINDS."""
    if head.startswith(b"{\\rtf"):
        return "kind_rtf"
    try:
        # the window may cut a multi-byte character at its end
        head[: len(head) - 4 if len(head) == _PDF_HEADER_WINDOW else len(head)].decode("utf-8")
    except UnicodeDecodeError:
        return "kind_unknown"
    return "kind_text"


def sniff(path: Path) -> Sniffed:
    """Identify `path` by its first bytes. Raises RejectedInput for empty or unsupported files."""
    with open(path, "rb") as fh:
        head = fh.read(_PDF_HEADER_WINDOW)
    if not head:
        raise RejectedInput("empty file (0 bytes): rescan or re-copy it", "r_empty")
    kind = _sniff_head(head)
    if kind is None:
        seems = _describe_unknown(head)
        raise RejectedInput(f"unsupported file type ({_UNKNOWN_KINDS[seems]}): "
                            "accepted are PDF, PNG, JPEG, TIFF, WebP, BMP, GIF, HEIC and zip archives of them",
                            "r_unsupported", what=keyed(seems))
    if kind == "zip":
        _refuse_office_documents(path)
    return Sniffed(kind)


def _refuse_office_documents(path: Path) -> None:
    """DOCX/ODT files are zip containers; they are documents, not archives of scans."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:50])
    except (zipfile.BadZipFile, OSError) as exc:
        raise RejectedInput(f"damaged zip archive ({exc}): re-create the archive", "r_zip_damaged",
                            detail=str(exc)) from None
    if "[Content_Types].xml" in names or "mimetype" in names:
        raise RejectedInput("office document (Word/OpenDocument) is not supported: export it to PDF first",
                            "r_office")
