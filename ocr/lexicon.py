"""The word list inside an installed Tesseract model (its LSTM word DAWG), read with tesseract's own tools."""

from __future__ import annotations

import functools
import logging
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path

log = logging.getLogger(__name__)

TOOL_TIMEOUT_S = 60


def tessdata_dir() -> Path | None:
    """Where tesseract reads its models from (the first line of `tesseract --list-langs` names it)."""
    try:
        proc = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'"([^"]+)"', proc.stdout + proc.stderr)
    return Path(found.group(1)) if found else None


def _visible(word: str) -> str:
    # Some entries carry bidi controls (U+202B...) that OCR text never has.
    return "".join(ch for ch in word if unicodedata.category(ch) != "Cf")


@functools.cache
def words(lang: str) -> frozenset[str]:
    """Every word in the `lang` model's dictionary; empty (and logged) when it cannot be read.

    Read once per process with `combine_tessdata -u` and `dawg2wordlist` (both in Debian's tesseract-ocr): about
    0.2 s for Urdu's 14,000 words."""
    folder = tessdata_dir()
    model = folder / f"{lang}.traineddata" if folder else None
    if model is None or not model.is_file():
        log.warning("No %s model found; OCR text of %s pages is left as tesseract read it.", lang, lang)
        return frozenset()
    with tempfile.TemporaryDirectory(prefix="records-lexicon-") as tmp:
        prefix = Path(tmp) / lang
        try:
            subprocess.run(["combine_tessdata", "-u", str(model), f"{prefix}."], capture_output=True,
                           timeout=TOOL_TIMEOUT_S, check=True)
            out = Path(tmp) / "words.txt"
            subprocess.run(["dawg2wordlist", f"{prefix}.lstm-unicharset", f"{prefix}.lstm-word-dawg", str(out)],
                           capture_output=True, timeout=TOOL_TIMEOUT_S, check=True)
            return frozenset(_visible(word) for word in out.read_text(encoding="utf-8").split())
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("Could not read the %s word list (%s); OCR text is left as tesseract read it.", lang, exc)
            return frozenset()
