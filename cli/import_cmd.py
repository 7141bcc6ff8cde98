"""`records import PATH --manifest FILE`: resumable bulk import of a legacy folder tree or zip with its metadata."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from contextlib import ExitStack
from pathlib import Path

from cli.common import json_flag, strict_flag
from cli.output import print_json
from ingest.intake import LANGS
from ingest.outcome import EXIT_ATTENTION, exit_code  # one convention for ingest, import and the API's batches


def add_parser(sub) -> None:
    p = sub.add_parser(
        "import", help="bulk import of legacy files with a CSV/JSON Lines metadata manifest (resumable)",
        description="Import a folder tree or a zip of already-scanned files, with their metadata from a manifest "
                    "(CSV or JSON Lines; one row per file: path, agency, title, doc_type, doc_number, issued_date, "
                    "issuing_body, language, visibility, shared_with, dossier, tags). Manifest values win over "
                    "extracted ones. Interrupted? Run the same command again: it resumes where it stopped. "
                    "Exit status: 0 every file imported, duplicate or rejected (with its reason; see --strict), 1 "
                    "files failed or manifest rows could not be applied or name missing files, 2 the command "
                    "could not run.")
    p.add_argument("path", type=Path, metavar="PATH", help="folder tree or zip archive")
    p.add_argument("--manifest", type=Path, required=True, metavar="FILE", help="CSV or JSON Lines manifest")
    p.add_argument("--agency", help="owning agency of rows that name none (default: RECORDS_AGENCY or 'default')")
    p.add_argument("--visibility", choices=("private", "shared", "public"), default="private",
                   help="for rows that name none")
    p.add_argument("--share-with", default="", metavar="B,C", help="agencies to share with (visibility shared)")
    p.add_argument("--lang", default=None, choices=LANGS, help="OCR language of rows without a language")
    p.add_argument("--dossier-per-folder", action="store_true",
                   help="group each folder's files into a dossier (rows with a dossier column keep theirs)")
    p.add_argument("--dry-run", action="store_true", help="only validate the manifest and the files; store nothing")
    p.add_argument("--report", type=Path, metavar="OUT", help="write every file's state to OUT (.csv or .json)")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (embedded mode; default: cores)")
    strict_flag(p)
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import settings as settings_module
    from ingest.legacy.report import report_format

    settings = settings_module.load()
    if args.report is not None:
        report_format(args.report)
    if args.jobs is not None:
        if args.jobs < 1:
            raise ValueError("--jobs must be at least 1")
        settings = dataclasses.replace(settings, workers=args.jobs)
    agency = args.agency or settings.default_agency
    if args.dry_run:
        return _dry_run(args, agency, settings)
    return _import(args, agency, settings)


def _dry_run(args: argparse.Namespace, agency: str, settings) -> int:
    from ingest.legacy.validate import dry_run

    report = dry_run(args.path, args.manifest, agency, settings)
    if args.report is not None:
        _write_dry_report(report, args.report)
    if args.json:
        print_json(report.to_dict())
    else:
        for problem in report.problems:
            print(f"  {problem}")
        if report.not_in_manifest:
            print(f"{report.not_in_manifest} file(s) have no manifest row and would get extracted metadata only, "
                  f"e.g. {', '.join(report.not_in_manifest_sample[:5])}")
        verdict = "OK" if report.ok else f"{len(report.problems)} problem(s)"
        print(f"dry run: {report.files} file(s), {report.rows} manifest row(s): {verdict}")
    return 0 if report.ok else EXIT_ATTENTION


def _write_dry_report(report, out: Path) -> None:
    import csv
    import json

    with open(out, "w", encoding="utf-8", newline="") as fh:
        if out.suffix.lower() == ".json":
            json.dump(report.to_dict(), fh, ensure_ascii=False, indent=1)
        else:
            writer = csv.writer(fh)
            writer.writerow(("manifest_line", "path", "problem"))
            for p in report.problems:
                writer.writerow((p.line or "", p.path or "", p.message))


def _import(args: argparse.Namespace, agency: str, settings) -> int:
    from ingest.legacy.importer import ImportOptions, run_import
    from ingest.legacy.journal import Journal
    from ingest.legacy.report import write_json, write_report
    from workers.backends import open_backends

    opts = ImportOptions(root=args.path, manifest=args.manifest, agency=agency, visibility=args.visibility,
                         shared_with=[a.strip() for a in args.share_with.split(",") if a.strip()],
                         lang=args.lang or settings.default_lang, dossier_per_folder=args.dossier_per_folder)
    be = open_backends(settings)
    try:
        with ExitStack() as stack:
            bar = _Bar(stack, enabled=not args.json and sys.stderr.isatty(), root=args.path)
            summary = run_import(opts, be, on_file=bar.file_done, on_start=bar.start)
    finally:
        be.close()
    with Journal(summary.journal, exclusive=False) as journal:
        if args.report is not None:
            write_report(journal, summary, args.report)
        if args.json:
            write_json(journal, summary, sys.stdout)
        else:
            _print_text(journal, summary, args.report)
    return exit_code(summary.counts, summary.missing + summary.manifest_problems, strict=args.strict)


def _print_text(journal, summary, report: Path | None) -> None:
    from ingest.legacy.report import manifest_problems

    for f in journal.files():
        if f.status in ("rejected", "failed"):
            print(f"{f.status:>9}  {f.path}: {f.reason}")
    for line, path in journal.missing_rows():
        print(f"  missing  line {line}: {path}: no such file under {journal.get_meta('root')}")
    for line, path, message in manifest_problems(journal):
        print(f" manifest  line {line}: {path + ': ' if path else ''}{message}")
    counts = summary.counts
    print(f"import {summary.batch}: {summary.files} file(s): {counts.get('processed', 0)} imported, "
          f"{counts.get('duplicate', 0)} duplicate, {counts.get('rejected', 0)} rejected, "
          f"{counts.get('failed', 0)} failed; {summary.not_in_manifest} without a manifest row (extracted "
          f"metadata only); {summary.missing} manifest row(s) without a file"
          + (f"; {summary.done_before} done by an earlier run" if summary.resumed else ""))
    if report is not None:
        print(f"report: {report}")


class _Bar:
    """A rich progress bar with files/min and ETA (only on a terminal). Resumed imports start part-way."""

    def __init__(self, stack: ExitStack, enabled: bool, root: Path) -> None:
        self.stack, self.enabled, self.root = stack, enabled, root
        self.progress = self.task = None

    def start(self, summary) -> None:
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        from ingest.legacy.paths import count_files

        class Rate(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed * 60:,.0f} files/min" if speed else "… files/min")

        self.progress = self.stack.enter_context(Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True)))
        total = max(count_files(self.root), summary.done_before)
        # completed from earlier runs is set at creation, so it does not count towards this run's speed
        self.task = self.progress.add_task("importing", total=total, completed=summary.done_before)

    def file_done(self, path: str, status: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=Path(path).name[:30])
