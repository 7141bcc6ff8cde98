"""`records backup OUT` and `records restore IN`: snapshots of the embedded home (RECORDS_HOME). The `restore`
verb is registered by cli/restore_cmd.py (it also brings documents back from the trash)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("backup", help="write a consistent snapshot of RECORDS_HOME (safe while Records runs)",
                       description="Write the catalog, import journals and object store of the embedded home to one "
                                   "tar file (OUT.tar.gz compresses). The search index is rebuilt on restore.")
    p.add_argument("out", type=Path, metavar="OUT")
    json_flag(p)
    p.set_defaults(func=run_backup)


def run_backup(args: argparse.Namespace) -> int:
    import settings as settings_module
    from integrity.backup import write_backup

    summary = write_backup(settings_module.load(), args.out)
    if args.json:
        print_json(summary.to_dict())
    else:
        print(f"backup {summary.path}: {summary.documents} document(s), {summary.files} file(s), "
              f"{summary.bytes:,} bytes")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    import settings as settings_module
    from integrity.backup import restore_backup

    summary = restore_backup(settings_module.load(), args.source)
    if args.json:
        print_json(summary.to_dict())
    else:
        print(f"restored {summary.path}: {summary.documents} document(s), {summary.indexed} indexed; run "
              f"`records verify`, and `records recover --older-than 0` for documents the backup caught mid-way")
    return 0
