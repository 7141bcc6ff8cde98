"""`records restore ID` brings a document back from the trash; `records restore BACKUP` unpacks a `records backup`
file into an empty RECORDS_HOME. One verb, as both are restores: an argument that names a file (or looks like a path
or a tar file) is a backup, anything else a document id."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import as_user_flag, json_flag

_BACKUP_SUFFIXES = (".tar", ".tar.gz", ".tgz")


def add_parser(sub) -> None:
    r = sub.add_parser("restore", help="bring a document back from the trash (ID), or restore a backup file into an "
                                       "empty RECORDS_HOME and rebuild the index (BACKUP)",
                       description="records restore ID: the document leaves the trash and is searchable again. "
                                   "records restore BACKUP: unpack a `records backup` file into an empty "
                                   "RECORDS_HOME, then rebuild the search index; run `records verify` afterwards.")
    r.add_argument("target", metavar="ID|BACKUP")
    as_user_flag(r)
    json_flag(r)
    r.set_defaults(func=run)


def is_backup(target: str) -> bool:
    """Whether `target` names a backup file rather than a document id (ids are short hex, never paths)."""
    return Path(target).is_file() or "/" in target or target.endswith(_BACKUP_SUFFIXES)


def run(args: argparse.Namespace) -> int:
    if is_backup(args.target):
        from cli.backup_cmd import run_restore

        return run_restore(argparse.Namespace(**vars(args), source=Path(args.target)))
    from cli.trash_cmd import run_restore

    return run_restore(argparse.Namespace(**vars(args), id=args.target))
