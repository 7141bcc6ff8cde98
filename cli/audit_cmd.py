"""`records audit`: list and filter the append-only audit log."""

from __future__ import annotations

import argparse
import json

import settings as settings_module
from catalog import list_audit, open_catalog


def add_parser(subparsers) -> None:
    """Register `records audit`."""
    p = subparsers.add_parser("audit", help="list the audit log (searches, views, downloads, uploads, changes)")
    p.add_argument("--user", help="only this user's entries")
    p.add_argument("--action", help="only this action (search, view, text, page, download, upload, visibility, ...)")
    p.add_argument("--agency", help="entries by this agency's users or on its documents")
    p.add_argument("--target", help="only entries on this document / batch / user")
    p.add_argument("--since", help="from this date or timestamp (UTC, ISO 8601)")
    p.add_argument("--until", help="up to this date (inclusive) or timestamp")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true", help="JSON Lines, one entry per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the matching entries, newest first."""
    cat = open_catalog(settings_module.load())
    try:
        entries = list_audit(cat, user=args.user, action=args.action, since=args.since, until=args.until,
                             agency=args.agency, target=args.target, limit=args.limit)
    finally:
        cat.close()
    for e in entries:
        if args.json:
            print(json.dumps(e.to_dict(), ensure_ascii=False))
        else:
            detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
            print(f"{e.ts}  {e.user:16} {e.agency or '-':12} {e.action:12} {e.target or '-':26} {detail}")
    return 0
