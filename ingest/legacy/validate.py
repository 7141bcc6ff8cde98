"""`records import --dry-run`: check the manifest and the files before any work is done.

Reports, with manifest line numbers: unreadable rows, bad dates, unknown agencies, doc types or languages,
duplicate paths, rows whose file does not exist, and files that are not a supported type. Nothing is stored;
the manifest rows go to a throw-away SQLite file so memory stays flat.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from documents.errors import RecordsError
from ingest.legacy.agencies import check_agency, known_agencies
from ingest.legacy.journal import Journal
from ingest.legacy.manifest import open_manifest, parsed_rows
from ingest.legacy.paths import relative_to_root
from ingest.sources import expand

SAMPLE = 50  # files without a manifest row listed by name; the rest are counted


@dataclass
class Problem:
    """One thing wrong, where it is: a manifest line, a file, or both."""

    line: int | None
    path: str | None
    message: str

    def __str__(self) -> str:
        where = " ".join(x for x in (f"line {self.line}:" if self.line else "", self.path and f"{self.path}:") if x)
        return f"{where} {self.message}".strip()


@dataclass
class ValidationReport:
    """The outcome of a dry run; `ok` when nothing is wrong."""

    files: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    not_in_manifest: int = 0
    not_in_manifest_sample: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the import can run without a rejection caused by the manifest or the files."""
        return not self.problems

    def to_dict(self) -> dict:
        """The `--json` shape."""
        return {"ok": self.ok, "files": self.files, "rows": self.rows,
                "problems": [{"line": p.line, "path": p.path, "message": p.message} for p in self.problems],
                "not_in_manifest": self.not_in_manifest, "not_in_manifest_sample": self.not_in_manifest_sample}


def dry_run(root: Path, manifest: Path, agency: str, settings) -> ValidationReport:
    """Validate an import without storing anything."""
    report = ValidationReport()
    known = known_agencies(settings)
    try:
        check_agency(agency, known)
    except RecordsError as exc:  # an unknown agency: one problem, keep checking the rest
        report.problems.append(Problem(None, None, exc.reason))
    except ValueError as exc:
        report.problems.append(Problem(None, None, str(exc)))
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="records-dry-run-") as tmp, \
            Journal(Path(tmp) / "check.sqlite3", exclusive=False) as journal:
        report.rows = journal.load_rows(parsed_rows(open_manifest(manifest), known))
        prefix = str(root)
        with expand([root], settings.max_file_bytes) as inputs:
            for item in inputs:
                rel = relative_to_root(item.display, prefix)
                report.files += 1
                row = journal.row_for(rel)
                journal.record(rel, status="seen", line=row.line if row else None)
                if item.local is None:
                    report.problems.append(Problem(row.line if row else None, rel, item.error or "unreadable"))
                if row is None:
                    report.not_in_manifest += 1
                    if len(report.not_in_manifest_sample) < SAMPLE:
                        report.not_in_manifest_sample.append(rel)
        for line, message in journal.problems():
            report.problems.append(Problem(line, None, message))
        for line, path, errors in journal.row_errors():
            report.problems.extend(Problem(line, path, e) for e in errors)
        for line, path in journal.missing_rows():
            report.problems.append(Problem(line, path, "file not found under the imported folder"))
    report.problems.sort(key=lambda p: (p.line is None, p.line or 0, p.path or ""))
    return report
