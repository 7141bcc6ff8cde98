"""The word list inside an installed Tesseract model (its LSTM word DAWG), read with tesseract's own tools."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path

log = logging.getLogger(__name__)

TOOL_TIMEOUT_S = 60


@functools.cache
def tessdata_dir() -> Path | None:
    """Where tesseract reads its models from (the first line of `tesseract --list-langs` names it); asked once per
    process."""
    try:
        proc = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'"([^"]+)"', proc.stdout + proc.stderr)
    return Path(found.group(1)) if found else None


def _visible(text: str) -> str:
    # Some entries carry bidi controls (U+202B...) that OCR text never has: every format control character (category
    # Cf) is dropped, with one translate over the whole list (a category lookup per character of each word took
    # 1.5 s of every process that read a page).
    return text.translate({ord(ch): None for ch in set(text) if unicodedata.category(ch) == "Cf"})


def _cache_file(model: Path) -> Path:
    """Where the word list of `model` is kept once read: the user's cache folder, named by the model file's path,
    size and time (a reinstalled model is read again)."""
    stat = model.stat()
    key = hashlib.sha256(f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "records" / "lexicon" / f"{model.stem}-{key}.txt"


@functools.cache
def words(lang: str) -> frozenset[str]:
    """Every word in the `lang` model's dictionary; empty (and logged) when it cannot be read.

    Read once per process. The first read ever runs `combine_tessdata -u` and `dawg2wordlist` (both in Debian's
    tesseract-ocr; about 1 s for English's 338,000 words) and keeps the list in the user's cache folder; later
    processes read that file (0.1-0.3 s)."""
    folder = tessdata_dir()
    model = folder / f"{lang}.traineddata" if folder else None
    if model is None or not model.is_file():
        log.warning("No %s model found; OCR text of %s pages is left as tesseract read it.", lang, lang)
        return frozenset()
    cache = _cache_file(model)
    try:
        return frozenset(cache.read_text(encoding="utf-8").split())
    except OSError:
        pass
    with tempfile.TemporaryDirectory(prefix="records-lexicon-") as tmp:
        prefix = Path(tmp) / lang
        try:
            subprocess.run(["combine_tessdata", "-u", str(model), f"{prefix}."], capture_output=True,
                           timeout=TOOL_TIMEOUT_S, check=True)
            out = Path(tmp) / "words.txt"
            subprocess.run(["dawg2wordlist", f"{prefix}.lstm-unicharset", f"{prefix}.lstm-word-dawg", str(out)],
                           capture_output=True, timeout=TOOL_TIMEOUT_S, check=True)
            text = _visible(out.read_text(encoding="utf-8"))
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("Could not read the %s word list (%s); OCR text is left as tesseract read it.", lang, exc)
            return frozenset()
    try:  # written whole, then renamed: a process reading at the same time never sees half a list
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(cache)
    except OSError as exc:  # a read-only home: read again next time
        log.info("Word list of %s not cached (%s)", lang, exc)
    return frozenset(text.split())
