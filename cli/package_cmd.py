"""`records export --dossier CODE [--fonds CODE] OUT` and `records import-package IN`: transfer packages
(BagIt + METS + PREMIS, with a PDF/A archival PDF per document)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from cli.archive_common import editor_for
from cli.common import as_user_flag, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    """Register `export` and `import-package`."""
    e = sub.add_parser("export", help="write a dossier's transfer package (BagIt bag with METS, PDF/A)")
    e.add_argument("out", metavar="OUT", help="a new (or empty) directory for the bag")
    e.add_argument("--dossier", required=True, metavar="CODE")
    e.add_argument("--fonds", metavar="CODE", help="refuse unless the dossier is in this fonds")
    as_user_flag(e)
    json_flag(e)
    e.set_defaults(func=run_export)
    i = sub.add_parser("import-package", help="receive a transfer package written by `records export`")
    i.add_argument("path", metavar="IN", help="the bag's directory")
    as_user_flag(i)
    json_flag(i)
    i.set_defaults(func=run_import)


def run_export(args: argparse.Namespace) -> int:
    """Export one dossier."""
    from archives.export import export_dossier

    with editor_for(args) as editor:
        summary = export_dossier(editor, args.dossier, Path(args.out), args.fonds)
    if args.json:
        print_json(asdict(summary))
    else:
        print(f"dossier {summary.dossier}: {len(summary.documents)} documents, {summary.files} files, "
              f"{summary.bytes:,} bytes -> {summary.path}")
        for doc in summary.fixity_failures:
            print(f"  FIXITY FAILURE: the original of {doc} no longer matches its ingest sha256")
    return 1 if summary.fixity_failures else 0


def run_import(args: argparse.Namespace) -> int:
    """Import one package."""
    from archives.import_package import import_package

    with editor_for(args) as editor:
        summary = import_package(editor, Path(args.path))
    if args.json:
        print_json(asdict(summary))
    else:
        print(f"dossier {summary.dossier}: {len(summary.imported)} documents imported, "
              f"{len(summary.already_present)} already present")
    return 0
