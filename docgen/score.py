"""Score `extract_metadata` on the generated test set: per field (type, number, issued date) share right.

    python -m docgen.score [FIXTURES_DIR]      prints per-field and per-language scores and the misses
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from docgen.build_set import DEFAULT_OUT
from index.folding import fold
from metadata import extract_metadata

FIELDS = ("doc_type", "doc_number", "issued_date")


def same_number(found: str | None, expected: str) -> bool:
    """Numbers match when equal after Unicode normalisation, spacing and Arabic-script letter variants."""
    if not found:
        return False
    def key(value: str) -> str:
        return re.sub(r"\s+", "", fold(unicodedata.normalize("NFKC", value)))
    return key(found) == key(expected)


def score(folder: Path = DEFAULT_OUT) -> tuple[dict[str, float], list[tuple[str, str, object, object]]]:
    """(share right per field, [(record, field, found, expected) for every miss])."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    right = dict.fromkeys(FIELDS, 0)
    misses = []
    for name, expected in truth.items():
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        found = extract_metadata([text], expected["ocr_lang"])
        checks = {"doc_type": found.doc_type == expected["doc_type"],
                  "doc_number": same_number(found.doc_number, expected["doc_number"]),
                  "issued_date": found.issued_date == expected["issued_date"]}
        for field, ok in checks.items():
            right[field] += ok
            if not ok:
                misses.append((name, field, getattr(found, field), expected[field]))
    return {field: right[field] / max(1, len(truth)) for field in FIELDS}, misses


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    shares, misses = score(folder)
    for name, field, found, expected in misses:
        print(f"{name:<32} {field:<12} found {found!r:<40} expected {expected!r}")
    print(" ".join(f"{field} {share:.1%}" for field, share in shares.items()))


if __name__ == "__main__":
    main()
