"""Expand what the user named (files, folders, zip archives) into input files, one at a time.

Streaming: folders are walked lazily and archive members are extracted one by one into a scratch
directory, so memory stays flat however many files there are.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from documents.errors import RejectedInput
from ingest.sniff import sniff

MAX_MEMBER_RATIO = 200  # a member inflating more than this is treated as a zip bomb


@dataclass
class InputFile:
    """One input: `display` is the path as the user gave it (`archive.zip/member` for members).

    `local` is a readable file, or None when the input was refused before it could be read
    (then `error` holds the reason).
    """

    display: str
    local: Path | None
    error: str | None = None
    message: dict | None = None  # the error's keyed message (documents.errors), translated by the web UI


def refused(display: str, exc: RejectedInput) -> InputFile:
    """An input refused before it could be read, with the exception's reason and keyed message."""
    return InputFile(display, None, exc.reason, exc.message)


def safe_member_name(name: str) -> str | None:
    """The member's path if it is a safe relative name, else None (absolute, `..`, drive letters, NUL)."""
    name = name.replace("\\", "/")
    if not name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        return None
    return "/".join(part for part in parts if part not in (".", ""))


def _walk(folder: Path) -> Iterator[Path]:
    """Files below `folder` in a stable (sorted) order, without building the whole list; hidden files skipped."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath, name)


def _members(archive_path: Path, display: str, scratch: Path, max_bytes: int) -> Iterator[InputFile]:
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield refused(display, RejectedInput(f"damaged zip archive ({exc}): re-create the archive", "r_zip_damaged",
                                             detail=str(exc)))
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            member_display = f"{display}/{name or info.filename}"
            if name is None:
                yield refused(member_display, RejectedInput(
                    "unsafe name inside the archive (absolute path or '..'): rename the member and re-create the "
                    "archive", "r_zip_unsafe_name"))
                continue
            if PurePosixPath(name).name.startswith(".") or name.startswith("__MACOSX/"):
                continue
            if info.flag_bits & 0x1:
                yield refused(member_display, RejectedInput(
                    "encrypted archive member: unzip it with its password first", "r_zip_encrypted"))
                continue
            if info.file_size > max_bytes:
                yield refused(member_display, RejectedInput(
                    f"file too large ({info.file_size} bytes; the limit is {max_bytes}): split it",
                    "r_member_too_large", size=info.file_size, limit=max_bytes))
                continue
            target = scratch / "member"
            try:
                _extract(archive, info, target, max_bytes)
            except RejectedInput as exc:
                yield refused(member_display, exc)
                continue
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                yield refused(member_display, RejectedInput(
                    f"damaged archive member ({exc}): re-create the archive", "r_member_damaged", detail=str(exc)))
                continue
            yield InputFile(member_display, target)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, max_bytes: int) -> None:
    """Stream one member to `target`, refusing zip bombs by counting the bytes actually inflated."""
    limit = min(max_bytes, max(info.compress_size, 1) * MAX_MEMBER_RATIO)
    written = 0
    with archive.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise RejectedInput("archive member inflates far beyond its compressed size (zip bomb?): refused",
                                    "r_zip_bomb")
            dst.write(chunk)


@contextmanager
def expand(paths: list[Path], max_bytes: int) -> Iterator[Iterator[InputFile]]:
    """Yield an iterator over every input file named by `paths` (recursing into folders and zip archives).

    Archive members are valid only until the next item is taken: consume each before moving on.
    """
    scratch = Path(tempfile.mkdtemp(prefix="records-intake-"))
    try:
        yield _iterate(paths, scratch, max_bytes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _iterate(paths: list[Path], scratch: Path, max_bytes: int) -> Iterator[InputFile]:
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files: Iterator[Path] = _walk(path)
        elif path.exists():
            files = iter([path])
        else:
            yield refused(str(given), RejectedInput("no such file or folder", "r_no_such_file"))
            continue
        for file in files:
            display = str(file)
            try:
                kind = sniff(file).kind
            except RejectedInput as exc:
                yield refused(display, exc)
                continue
            except OSError as exc:
                yield refused(display, RejectedInput(f"cannot read the file ({exc.strerror or exc})", "r_unreadable",
                                                     detail=str(exc.strerror or exc)))
                continue
            if kind == "zip":
                yield from _members(file, display, scratch, max_bytes)
            else:
                yield InputFile(display, file)
