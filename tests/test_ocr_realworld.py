"""Every real-world file either processes (page count + first page) or is refused with a reason, within a minute.

Files come from OCRmyPDF's and paperless-ngx's test suites: encrypted, truncated, enormous, oddly encoded PDFs and
images in every mode. Some are not images or PDFs at all; content sniffing is ingest's job, so for those we only
check that claiming the wrong kind is refused cleanly.
"""

from __future__ import annotations

import time

import pytest

from documents.errors import RejectedInput
from ocr import count_pages, process_page
from ocr.sources import RENDER_PIXEL_CAP
from tests.conftest import REALWORLD

pytestmark = pytest.mark.slow

KINDS = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff",
         ".webp": "webp", ".bmp": "bmp", ".gif": "gif", ".heic": "heic"}
FILES = sorted(p for p in REALWORLD.rglob("*") if p.is_file() and p.name != "README.md")
DOCUMENTS = [p for p in FILES if p.suffix.lower() in KINDS]
OTHERS = [p for p in FILES if p.suffix.lower() not in KINDS]
# Files that cannot be processed, and a word the reason must contain so a clerk knows what to do.
MUST_REJECT = {
    "encrypted.pdf": "password",
    "password-is-test.pdf": "password",
    "invalid.pdf": "not a readable PDF",
}
PER_FILE_SECONDS = 60


def _id(path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_realworld_folder_is_there() -> None:
    assert len(FILES) >= 70


@pytest.mark.timeout(3 * PER_FILE_SECONDS)
@pytest.mark.parametrize("path", DOCUMENTS, ids=_id)
def test_document_processes_or_is_rejected_with_reason(path) -> None:
    kind = KINDS[path.suffix.lower()]
    started = time.monotonic()
    try:
        pages = count_pages(path, kind)
        page = process_page(path, kind, 0)
    except RejectedInput as exc:
        assert len(exc.reason) > 20  # a sentence, not a code
        if path.name in MUST_REJECT:
            assert MUST_REJECT[path.name] in exc.reason
        return
    finally:
        assert time.monotonic() - started < PER_FILE_SECONDS * 1.5  # slack for a busy CI machine
    assert path.name not in MUST_REJECT, f"{path.name} should have been refused"
    assert pages >= 1 and page.number == 1
    assert page.method in ("ocr", "text_layer")
    # Huge pages are rendered or scaled to the pixel cap (deskewing may then grow the canvas by its corners).
    assert page.width * page.height <= RENDER_PIXEL_CAP * 1.2
    assert page.png[:8] == b"\x89PNG\r\n\x1a\n" and page.thumb[:2] == b"\xff\xd8" and page.pdf[:5] == b"%PDF-"


@pytest.mark.parametrize("path", OTHERS, ids=_id)
@pytest.mark.parametrize("kind", ["pdf", "png", "tiff", "docx"])
def test_non_document_with_wrong_kind_is_rejected(path, kind: str) -> None:
    with pytest.raises(RejectedInput):
        count_pages(path, kind)
