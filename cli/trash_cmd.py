"""`records delete ID`, `records purge [ID] [--expired]`, `records trash`: the agency's trash (admins of the owning
agency). `records restore ID` is registered by cli/restore_cmd.py, which also restores backups."""

from __future__ import annotations

import argparse

from cli.changes_common import check_visible, editor
from cli.common import as_user_flag, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    d = sub.add_parser("delete", help="move a document to its agency's trash (restorable for RECORDS_TRASH_DAYS)")
    d.add_argument("id", metavar="ID")
    p = sub.add_parser("purge", help="remove trashed documents for good (the audit log keeps a tombstone)")
    p.add_argument("id", metavar="ID", nargs="?", help="one trashed document (or --expired)")
    p.add_argument("--expired", action="store_true", help="every trashed document whose restore period is over")
    p.add_argument("--force", action="store_true", help="purge ID even before its restore period is over")
    t = sub.add_parser("trash", help="list the documents in the trash")
    t.add_argument("--agency", help="only this agency's")
    for parser, func in ((d, run_delete), (p, run_purge), (t, run_list)):
        as_user_flag(parser)
        json_flag(parser)
        parser.set_defaults(func=func)


def run_delete(args: argparse.Namespace) -> int:
    from changes.trash import delete_document

    with editor(args) as ed:
        check_visible(ed, args.id)
        manifest = delete_document(ed, args.id)
    if args.json:
        print_json({"id": args.id, "trashed": manifest.trashed.__dict__})
    else:
        print(f"{args.id} moved to the trash; restorable until {manifest.trashed.purge_after}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from changes.trash import restore_document

    with editor(args) as ed:
        check_visible(ed, args.id)
        restore_document(ed, args.id)
    if args.json:
        print_json({"id": args.id, "trashed": None})
    else:
        print(f"{args.id} restored")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    from changes.trash import purge_document, purge_expired

    if bool(args.id) == bool(args.expired):
        raise ValueError("give one document ID or --expired")
    with editor(args) as ed:
        if args.expired:
            done = purge_expired(ed)
        else:
            check_visible(ed, args.id)
            done = [purge_document(ed, args.id, force=args.force)]
    if args.json:
        print_json({"purged": done})
    else:
        for d in done:
            print(f"purged {d['id']} ({d['objects']} objects)")
        if not done:
            print("nothing to purge")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from changes.trash import trash_list

    with editor(args) as ed:
        docs = trash_list(ed, args.agency)
    if args.json:
        print_json({"documents": docs})
        return 0
    for d in docs:
        print(f"{d['id']}  {d['title'] or d['file']}  trashed {d['trashed_at']} by {d['trashed_by']}, "
              f"purged after {d['purge_after']}")
    if not docs:
        print("the trash is empty")
    return 0
