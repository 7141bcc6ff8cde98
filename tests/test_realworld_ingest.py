"""Real scans and odd or broken files met in practice: each is processed or refused with a clear reason.

Nothing may crash, hang or exhaust memory, and no file may end in an internal error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REALWORLD, ingest_json, records_json

pytestmark = pytest.mark.slow

# files whose content is not a scan at all: refused at intake, by content
NOT_SCANS = {"README.md", "broken.eml", "decode_error.txt", "multi-part-broken.odt", "sample.docx", "tagged.odt"}
# files that must come out processed with text found in them
MUST_READ = ("ocrmypdf/linn.png", "ocrmypdf/typewriter.png", "paperless-ngx/simple.bmp", "paperless-ngx/simple.gif",
             "paperless-ngx/document.webp", "paperless-ngx/multi-page-images.tiff", "ocrmypdf/skew.pdf",
             "paperless-ngx/rotated.pdf", "paperless-ngx/simple.zip/simple.pdf")


def test_every_realworld_file_is_processed_or_refused_with_a_reason(tmp_path: Path, env: dict) -> None:
    summary = ingest_json([str(REALWORLD)], env)  # some files are refused: exit 1 only if one failed
    inputs = [p for p in REALWORLD.rglob("*") if p.is_file()]
    documents = summary["documents"]
    assert len(documents) - sum(1 for d in documents if "/simple.zip/" in d["path"]) == len(inputs) - 1
    assert sum(summary["counts"].values()) == len(documents)

    by_name = {str(Path(d["path"]).relative_to(REALWORLD)): d for d in documents}
    for name, doc in by_name.items():
        assert doc["status"] in ("processed", "duplicate", "rejected", "failed"), (name, doc)
        if doc["status"] in ("rejected", "failed"):
            assert doc["error"] and len(doc["error"]) > 15, (name, doc)
            assert "processing error" not in doc["error"], f"{name} hit an internal error: {doc['error']}"
    for name, doc in by_name.items():
        if Path(name).name in NOT_SCANS:
            assert doc["status"] == "rejected", (name, doc)
    for name in MUST_READ:
        assert by_name[name]["status"] == "processed", (name, by_name[name])
        shown = records_json(["show", by_name[name]["id"]], env)
        assert len(shown["text"].split()) >= 4, f"{name}: almost no text read"
    assert by_name["paperless-ngx/encrypted.pdf"]["status"] == "rejected"
    assert "password" in by_name["paperless-ngx/encrypted.pdf"]["error"].lower() or \
        "encrypt" in by_name["paperless-ngx/encrypted.pdf"]["error"].lower()
