"""`records audit`: list and filter the append-only audit log."""

from __future__ import annotations

import argparse
import json

import settings as settings_module
from catalog import list_audit, open_catalog
from catalog.audit import verify_chain


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
    p.add_argument("--verify", action="store_true",
                   help="check the hash chain: exit 1 naming the first entry that was edited or deleted")
    p.add_argument("--json", action="store_true", help="JSON Lines, one entry per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the matching entries, newest first (or, with --verify, check the chain)."""
    if args.verify:
        return _verify(args)
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


def _verify(args: argparse.Namespace) -> int:
    cat = open_catalog(settings_module.load())
    try:
        report = verify_chain(cat)
    finally:
        cat.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    elif report.ok:
        print(f"audit log intact: {report.checked} entries checked"
              + (f" ({report.unchained} written before the hash chain)" if report.unchained else ""))
    else:
        print(f"audit log TAMPERED: entry {report.bad_id}: {report.problem} ({report.checked} entries checked)")
    return 0 if report.ok else 1
