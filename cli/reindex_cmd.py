"""`records reindex`: rebuild the search index from the object store (the index is derived data)."""

from __future__ import annotations

import argparse

from cli.common import backends, json_flag
from cli.output import print_json, progress


def add_parser(sub) -> None:
    p = sub.add_parser("reindex", help="rebuild the search index from the object store")
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workers.reindex import rebuild_index

    be = backends()
    with progress("reindexing", enabled=not args.json) as bar:
        count = rebuild_index(be, on_document=lambda: bar.advance(1))
    be.close()
    if args.json:
        print_json({"indexed": count})
    else:
        print(f"indexed {count} document(s)")
    return 0


