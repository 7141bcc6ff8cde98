"""`records text ID --page N [--from FILE]`: print a page's text, or correct it from a UTF-8 file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.changes_common import check_visible, editor
from cli.common import as_user_flag, json_flag
from cli.output import print_json
from documents.model import page_key


def add_parser(sub) -> None:
    p = sub.add_parser("text", help="print or correct one page's text (the OCR text is kept as a revision)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--page", type=int, required=True, metavar="N", help="page number, from 1")
    p.add_argument("--from", dest="source", metavar="FILE",
                   help="the corrected text, UTF-8, one line per text line ('-' reads standard input)")
    as_user_flag(p)
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from changes.text import correct_text

    with editor(args) as ed:
        check_visible(ed, args.id)
        if args.source is None:
            text = ed.backends.store.get_bytes(page_key(args.id, args.page, "txt")).decode()
            ed.audit("text", args.id, None, page=args.page)
            if args.json:
                print_json({"id": args.id, "page": args.page, "text": text})
            else:
                print(text)
            return 0
        raw = sys.stdin.read() if args.source == "-" else Path(args.source).read_text(encoding="utf-8")
        manifest = correct_text(ed, args.id, args.page, raw)
    page = next(p for p in manifest.pages if p.number == args.page)
    if args.json:
        print_json({"id": args.id, "page": args.page, "text_edited": page.text_edited,
                    "edited_lines": page.edited_lines})
    else:
        print(f"page {args.page} of {args.id} corrected; edited lines: "
              f"{', '.join(map(str, page.edited_lines)) or 'none'}")
    return 0
