"""Relative paths as the manifest spells them and as the folder walk finds them, made comparable."""

from __future__ import annotations

import os
import unicodedata
import zipfile
from pathlib import Path

from ingest.sources import safe_member_name


def normalise_relpath(raw: str) -> str | None:
    """`raw` as a canonical relative path (`/` separators, NFC, no `./`), or None if unsafe or empty.

    Spreadsheets are typed on Windows (`\\`) and file names come from macOS (NFD); both must meet.
    """
    text = unicodedata.normalize("NFC", raw.strip())
    if not text:
        return None
    safe = safe_member_name(text)
    return safe or None


def relative_to_root(display: str, root: str) -> str:
    """The path of a walked input below the import root (`root/a/b.pdf` -> `a/b.pdf`; zip members likewise)."""
    rel = display[len(root):].lstrip("/") if display.startswith(root) else display
    return unicodedata.normalize("NFC", rel or Path(display).name)  # PATH may be a single file


def count_files(root: Path) -> int:
    """A cheap count of the files an import will meet (for the progress bar's total; zips inside count as one)."""
    root = Path(root)
    if root.is_dir():
        total = 0
        for _dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            total += sum(1 for name in filenames if not name.startswith("."))
        return total
    try:
        with zipfile.ZipFile(root) as archive:
            return sum(1 for info in archive.infolist() if not info.is_dir())
    except (zipfile.BadZipFile, OSError):
        return 1
