"""`records rotate`, `records replace`, `records split`, `records merge`: rework a document's pages. Originals are
never changed."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.changes_common import check_visible, editor
from cli.common import as_user_flag, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    ro = sub.add_parser("rotate", help="turn a page clockwise and read it again")
    ro.add_argument("id", metavar="ID")
    ro.add_argument("--page", type=int, required=True, metavar="N")
    ro.add_argument("--degrees", type=int, required=True, choices=(90, 180, 270))
    rp = sub.add_parser("replace", help="replace a page with a rescan (the same pipeline reads it)")
    rp.add_argument("id", metavar="ID")
    rp.add_argument("--page", type=int, required=True, metavar="N")
    rp.add_argument("--from", dest="source", required=True, metavar="FILE", help="an image, or a PDF (first page)")
    sp = sub.add_parser("split", help="split a document into two at a page (without --at: where to split)")
    sp.add_argument("id", metavar="ID")
    sp.add_argument("--at", type=int, metavar="PAGE", help="the first page of the second document")
    me = sub.add_parser("merge", help="merge documents, in the order given, into a new one")
    me.add_argument("ids", metavar="ID", nargs="+")
    for parser, func in ((ro, run_rotate), (rp, run_replace), (sp, run_split), (me, run_merge)):
        as_user_flag(parser)
        json_flag(parser)
        parser.set_defaults(func=func)


def _summary(manifest) -> dict:
    return {"id": manifest.id, "title": manifest.metadata.title, "pages": len(manifest.pages),
            "derived_from": manifest.derived_from,
            "flags": [{"page": p.number, "kind": f.kind, "reason": f.reason, "resolution": f.resolution}
                      for p in manifest.pages for f in p.flags]}


def _show(args: argparse.Namespace, data: dict, line: str) -> int:
    if args.json:
        print_json(data)
    else:
        print(line)
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    from changes.pages import rotate_page

    with editor(args) as ed:
        check_visible(ed, args.id)
        manifest = rotate_page(ed, args.id, args.page, args.degrees)
    return _show(args, _summary(manifest), f"page {args.page} of {args.id} turned {args.degrees}° and read again")


def run_replace(args: argparse.Namespace) -> int:
    from changes.pages import replace_page

    source = Path(args.source)
    if not source.is_file():
        raise ValueError(f"{source}: no such file")
    with editor(args) as ed:
        check_visible(ed, args.id)
        manifest = replace_page(ed, args.id, args.page, source)
    page = next(p for p in manifest.pages if p.number == args.page)
    open_flags = [f.reason for f in page.flags if f.resolution is None]
    return _show(args, _summary(manifest), f"page {args.page} of {args.id} replaced"
                 + (f"; the rescan is flagged too: {', '.join(open_flags)}" if open_flags else ""))


def run_split(args: argparse.Namespace) -> int:
    from changes.splitmerge import split_document, suggest_split
    from workers.pipeline import load_manifest

    with editor(args) as ed:
        check_visible(ed, args.id)
        if args.at is None:
            suggested = suggest_split(ed.backends, load_manifest(ed.backends, args.id))
            return _show(args, {"id": args.id, "suggested": suggested},
                         f"a further document seems to start at page {', '.join(map(str, suggested))}: "
                         f"records split {args.id} --at {suggested[0]}" if suggested
                         else "no page looks like the start of a further document")
        parts = split_document(ed, args.id, args.at)
    return _show(args, {"id": args.id, "documents": [_summary(m) for m in parts]},
                 "\n".join(f"{m.id}  pages {m.pages[0].source.page}-{m.pages[-1].source.page}  "
                           f"{m.metadata.title or ''}" for m in parts))


def run_merge(args: argparse.Namespace) -> int:
    from changes.splitmerge import merge_documents

    with editor(args) as ed:
        for doc_id in args.ids:
            check_visible(ed, doc_id)
        manifest = merge_documents(ed, args.ids)
    return _show(args, _summary(manifest), f"{manifest.id}  {len(manifest.pages)} pages  "
                 f"{manifest.metadata.title or ''}")
