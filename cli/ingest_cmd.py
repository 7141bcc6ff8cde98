"""`records ingest PATH...`: files, folders (recursive) and zip archives into the archive."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import backends, json_flag, strict_flag
from cli.output import print_json, progress
from ingest.intake import LANGS, IngestOptions, ingest_paths
from ingest.outcome import exit_code


def add_parser(sub) -> None:
    p = sub.add_parser("ingest", help="ingest scans: files, folders (recursive) or zip archives",
                       description="Store each file durably, clean it up, OCR it, extract its metadata and index it. "
                                   "Every input ends processed, duplicate, rejected or failed (with a reason). "
                                   "Exit status: 0 the batch ran and every file reached a final state (rejected "
                                   "files included, see --strict), 1 some files failed, 2 the command could not "
                                   "run.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--agency", help="owning agency (default: RECORDS_AGENCY or 'default')")
    p.add_argument("--visibility", choices=("private", "shared", "public"), default="private")
    p.add_argument("--share-with", default="", metavar="B,C", help="agencies to share with (visibility shared)")
    p.add_argument("--lang", default=None, choices=LANGS, help="OCR language; auto detects the script per page")
    p.add_argument("--dossier", help="add the documents to this dossier id")
    p.add_argument("--wait", action="store_true", help="distributed mode: wait until every document is processed")
    strict_flag(p)
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    be = backends()
    settings = be.settings
    options = IngestOptions(
        agency=args.agency or settings.default_agency, visibility=args.visibility,
        shared_with=[a.strip() for a in args.share_with.split(",") if a.strip()],
        lang=args.lang or settings.default_lang, wait=args.wait or not settings.distributed_queue,
        dossier=args.dossier,
    )
    _check_share_with(options, settings)
    with progress("ingesting", enabled=not args.json) as bar:
        seen: set[int] = set()

        def on_entry(entry) -> None:
            if id(entry) not in seen:  # the total grows as the walk finds inputs
                seen.add(id(entry))
                bar.advance(0, total=len(seen))
            if entry.status not in ("queued", "processing"):
                bar.advance(1, description=Path(entry.path).name[:40])

        result = ingest_paths(args.paths, options, be, on_entry=on_entry)
    be.close()
    if args.json:
        print_json(result.to_dict())
    else:
        for entry in result.documents:
            if entry.status in ("rejected", "failed"):
                print(f"{entry.status:>9}  {entry.path}: {entry.error}")
            for flag in entry.flags:  # page quality: rescan or review (see `records review`)
                print(f"{flag['kind']:>9}  {entry.path} page {flag['page']}: {flag['reason'].replace('_', ' ')} "
                      f"({flag['detail']})")
        counts = ", ".join(f"{n} {state}" for state, n in result.counts.items())
        print(f"batch {result.batch}: {len(result.documents)} files: {counts}")
    failed = result.counts.get("failed", 0) + result.counts.get("rejected", 0)
    if failed:  # said whatever the exit status, so a script's log shows it
        sys.stderr.write(f"records: {failed} file(s) rejected or failed; see the reasons "
                         f"{'in the ledger' if args.json else 'above'}\n")
    return exit_code(result.counts, strict=args.strict)


def _check_share_with(options: IngestOptions, settings) -> None:
    """Refuse sharing with an agency the catalog does not know (a typo would share with nobody)."""
    if options.visibility != "shared":
        return
    from documents.access import UnknownShareAgency
    from ingest.legacy.agencies import known_agencies

    known = known_agencies(settings)
    unknown = [a for a in options.shared_with if known is not None and a not in known]
    if unknown:
        raise UnknownShareAgency(unknown, known or ())
