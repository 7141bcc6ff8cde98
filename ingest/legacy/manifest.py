"""Stream a legacy manifest row by row: CSV (UTF-8 with or without BOM; comma, semicolon or tab) or JSON Lines.

Nothing is held beyond the current row, so a manifest of any size reads in flat memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from documents.errors import RejectedInput
from ingest.legacy.agencies import name_ok
from ingest.legacy.fields import COLUMNS, ManifestRow, parse_row

_DELIMITERS = (",", ";", "\t")


@dataclass
class RawRow:
    """One row as read: `values` (lower-cased column -> value), or `error` when the row cannot be read at all.

    `line` is the row's first line in the file (the CSV header is line 1).
    """

    line: int
    values: dict[str, Any] | None
    error: str | None = None


@dataclass
class ManifestFile:
    """An opened manifest: its format, problems with the file as a whole, and its rows (an iterator)."""

    format: str  # "csv" or "jsonl"
    problems: list[tuple[int, str]]
    rows: Iterator[RawRow]


def detect_format(path: Path) -> str:
    """`jsonl` for .jsonl/.ndjson/.json files or a first character `{`, else `csv`."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with open(path, "rb") as fh:
        head = fh.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
    return "jsonl" if head.startswith(b"{") else "csv"


def open_manifest(path: Path) -> ManifestFile:
    """Open the manifest at `path` for streaming. Raises RejectedInput when it cannot be used at all."""
    if not path.is_file():
        raise RejectedInput(f"manifest {path} not found", "r_manifest_missing", path=str(path))
    fmt = detect_format(path)
    if fmt == "jsonl":
        return ManifestFile("jsonl", [], _jsonl_rows(path))
    return _open_csv(path)


def _decoded_lines(path: Path, bad_lines: set[int]) -> Iterator[str]:
    """Physical lines decoded one by one, so a non-UTF-8 line is pinned to its line number (then dropped)."""
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                bad_lines.add(number)
                yield raw.decode("utf-8", errors="replace")


def _sniff_delimiter(header: str) -> str:
    """The delimiter is whichever separates the header's column names best."""
    return max(_DELIMITERS, key=header.count)


def _open_csv(path: Path) -> ManifestFile:
    bad_lines: set[int] = set()
    lines = _decoded_lines(path, bad_lines)
    header_line = next(lines, "")
    if not header_line.strip():
        raise RejectedInput(f"manifest {path} is empty: the first line must name the columns (path, title, ...)",
                            "r_manifest_empty", path=str(path))
    delimiter = _sniff_delimiter(header_line)
    header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
    problems: list[tuple[int, str]] = []
    if 1 in bad_lines:
        problems.append((1, "the header is not UTF-8: save the spreadsheet as 'CSV UTF-8'"))
    if "path" not in header:
        raise RejectedInput(f"manifest {path}: the header (line 1) has no 'path' column; found: "
                            f"{', '.join(header)} (delimiter {delimiter!r})", "r_manifest_no_path", path=str(path),
                            found=", ".join(header), delimiter=repr(delimiter))
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        problems.append((1, f"unknown column(s) ignored: {', '.join(unknown)} (known: {', '.join(COLUMNS)})"))
    seen: set[str] = set()
    for h in header:
        if h in seen and h in COLUMNS:
            problems.append((1, f"column {h!r} appears twice"))
        seen.add(h)
    return ManifestFile("csv", problems, _csv_rows(lines, header, delimiter, bad_lines))


def _csv_rows(lines: Iterator[str], header: list[str], delimiter: str, bad_lines: set[int]) -> Iterator[RawRow]:
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 2
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RawRow(start, None, f"unreadable CSV ({exc})")
            start = reader.line_num + 2
            continue
        end = reader.line_num + 1  # the reader counts lines after the header
        first, start = start, end + 1
        if not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        if any(first <= n <= end for n in bad_lines):
            yield RawRow(first, None, "not UTF-8 text: save the spreadsheet as 'CSV UTF-8'")
            continue
        if len(cells) > len(header):
            extra = [c for c in cells[len(header):] if c.strip()]
            if extra:
                yield RawRow(first, None, f"{len(cells)} cells but the header has {len(header)} columns "
                                          f"(an unquoted '{delimiter}' in a value?)")
                continue
        values = {name: cells[i] for i, name in enumerate(header) if name and i < len(cells)}
        yield RawRow(first, values)


def _jsonl_rows(path: Path) -> Iterator[RawRow]:
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            try:
                value = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield RawRow(number, None, "not UTF-8 text")
                continue
            except json.JSONDecodeError as exc:
                yield RawRow(number, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(value, dict):
                yield RawRow(number, None, "each line must be one JSON object")
                continue
            yield RawRow(number, {str(k).strip().lower(): v for k, v in value.items()})


def parsed_rows(manifest: ManifestFile,
                known_agencies: frozenset[str] | None) -> Iterator[ManifestRow | tuple[int, str]]:
    """The manifest's problems and rows, normalised: what `Journal.load_rows` takes."""
    yield from manifest.problems
    for raw in manifest.rows:
        if raw.values is None:
            yield raw.line, raw.error or "unreadable row"
        else:
            yield parse_row(raw.line, raw.values, known_agencies, name_ok)


def file_sha256(path: Path) -> str:
    """Content hash of the manifest (a changed manifest is re-read on resume)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
