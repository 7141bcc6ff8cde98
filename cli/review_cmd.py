"""`records review`: flagged pages of the caller's agency, worst first; `records accept ID --page N`: accept a
flagged page as it is."""

from __future__ import annotations

import argparse

from cli.changes_common import check_visible, editor
from cli.common import as_user_flag, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("review", help="pages flagged for rescan or review, worst first")
    p.add_argument("--agency", help="only this agency's documents (default: yours; the local administrator: all)")
    p.add_argument("--reason", help="only this reason: blurred, low_resolution, too_dark, low_contrast, cut_off, "
                                    "low_confidence, few_known_words")
    p.add_argument("--kind", choices=("rescan", "review"), help="only flags of this kind")
    p.add_argument("--limit", type=int, default=200)
    as_user_flag(p)
    json_flag(p)
    p.set_defaults(func=run)
    a = sub.add_parser("accept", help="accept a flagged page as it is (resolves its open flags)")
    a.add_argument("id", metavar="ID")
    a.add_argument("--page", type=int, required=True, metavar="N")
    a.add_argument("--reason", help="accept only this flag (default: all the page's open flags)")
    as_user_flag(a)
    json_flag(a)
    a.set_defaults(func=run_accept)


def run(args: argparse.Namespace) -> int:
    from changes.review import review_queue
    from ocr.quality import reason_text

    with editor(args) as ed:
        pages = review_queue(ed.backends, ed.principal, args.agency, args.reason, args.kind, args.limit)
        ed.audit("review.list", None, ed.principal.agency, reason=args.reason, kind=args.kind)
    if args.json:
        print_json({"pages": pages, "total": len(pages)})
        return 0
    if not pages:
        print("no flagged pages")
    for row in pages:
        reasons = "; ".join(f"{f['kind']}: {reason_text(f['reason'])} ({f['detail']})" for f in row["flags"])
        print(f"{row['id']}  page {row['page']}/{row['pages']}  {row['title'] or row['file']}\n    {reasons}")
    return 0


def run_accept(args: argparse.Namespace) -> int:
    from changes.review import accept_flags

    with editor(args) as ed:
        check_visible(ed, args.id)
        manifest = accept_flags(ed, args.id, args.page, args.reason)
    page = next(p for p in manifest.pages if p.number == args.page)
    flags = [{"kind": f.kind, "reason": f.reason, "resolution": f.resolution} for f in page.flags]
    if args.json:
        print_json({"id": args.id, "page": args.page, "flags": flags})
    else:
        print(f"page {args.page} accepted: " + ", ".join(f"{f['reason']} {f['resolution'] or 'open'}" for f in flags))
    return 0
