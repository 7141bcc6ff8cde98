"""The import report: every file with its final state and reason, then the manifest rows whose file is missing
and the rows that could not be read. Streamed from the journal, so it is flat in memory at any size."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ingest.legacy.journal import Journal

FILE_COLUMNS = ("path", "status", "reason", "id", "duplicate_of", "pages", "manifest_line", "dossier", "note")


def report_format(out: Path) -> str:
    """`csv` or `json`, from the report file's extension; ValueError otherwise."""
    suffix = out.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    raise ValueError(f"--report {out}: name it .csv or .json")


def file_entries(journal: Journal) -> Iterator[dict[str, Any]]:
    """One dict per file met, in walk order."""
    for f in journal.files():
        yield {"path": f.path, "status": f.status, "reason": f.reason, "id": f.doc_id, "duplicate_of": f.duplicate_of,
               "pages": f.pages, "manifest_line": f.line, "dossier": f.dossier, "note": f.note}


def header(summary) -> dict[str, Any]:
    """The summary part of the report."""
    return {"batch": summary.batch, "journal": str(summary.journal), "resumed": summary.resumed,
            "done_before": summary.done_before,
            "file_count": summary.files, "counts": summary.counts, "not_in_manifest": summary.not_in_manifest,
            "missing": summary.missing, "manifest_problems": summary.manifest_problems}


def write_json(journal: Journal, summary, fh: IO[str]) -> None:
    """The whole report as one JSON document, written piece by piece."""
    head = json.dumps(header(summary), ensure_ascii=False)
    fh.write(head[:-1] + ', "files": [')
    for n, entry in enumerate(file_entries(journal)):
        fh.write(("," if n else "") + "\n  " + json.dumps(entry, ensure_ascii=False))
    fh.write('\n ], "missing": [')
    for n, (line, path) in enumerate(journal.missing_rows()):
        fh.write(("," if n else "") + "\n  " + json.dumps({"manifest_line": line, "path": path}, ensure_ascii=False))
    fh.write('\n ], "manifest_problems": [')
    for n, (line, path, message) in enumerate(manifest_problems(journal)):
        item = {"manifest_line": line, "path": path, "message": message}
        fh.write(("," if n else "") + "\n  " + json.dumps(item, ensure_ascii=False))
    fh.write("\n ]}\n")


def manifest_problems(journal: Journal) -> Iterator[tuple[int, str | None, str]]:
    """(line, path or None, message): unreadable rows and rows with bad values."""
    for line, message in journal.problems():
        yield line, None, message
    for line, path, errors in journal.row_errors():
        yield line, path, "; ".join(errors)


def write_csv(journal: Journal, fh: IO[str]) -> None:
    """Files first (status = final state); then rows whose file is missing (`missing`) and unreadable or
    invalid rows (`manifest_error`), which are not files and are not in the counts."""
    writer = csv.writer(fh)
    writer.writerow(FILE_COLUMNS)
    for entry in file_entries(journal):
        writer.writerow(["" if entry[c] is None else entry[c] for c in FILE_COLUMNS])
    for line, path in journal.missing_rows():
        writer.writerow([path, "missing", "file not found under the imported folder", "", "", "", line, "", ""])
    for line, path, message in manifest_problems(journal):
        writer.writerow([path or "", "manifest_error", message, "", "", "", line, "", ""])


def write_report(journal: Journal, summary, out: Path) -> None:
    """Write the report to `out` (.csv or .json), atomically."""
    fmt = report_format(out)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            write_csv(journal, fh)
        else:
            write_json(journal, summary, fh)
    tmp.replace(out)
