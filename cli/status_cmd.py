"""`records status`: documents per state, index size, queue depth, failed jobs."""

from __future__ import annotations

import argparse
from collections import Counter

from cli.common import backends, json_flag
from cli.output import print_json
from documents.model import manifest_key


def add_parser(sub) -> None:
    p = sub.add_parser("status", help="counts per state, queue depth, failed documents and jobs")
    p.add_argument("--failed", type=int, default=20, metavar="N", help="list up to N failed documents (default 20)")
    json_flag(p)
    p.set_defaults(func=run)


def collect(be, failed_limit: int = 20) -> dict:
    """Status figures from the store (the system of record), the index and the queue."""
    states: Counter[str] = Counter()
    failed: list[dict] = []
    pages = 0
    for doc_id in be.store.document_ids():
        manifest = be.store.get_json(manifest_key(doc_id))
        states[manifest["status"]] += 1
        pages += len(manifest.get("pages") or [])
        if manifest["status"] == "failed" and len(failed) < failed_limit:
            failed.append({"id": doc_id, "file": manifest["original"]["filename"], "error": manifest.get("error")})
    data = {"documents": dict(states), "pages": pages, "indexed": be.index.count(), "failed": failed,
            "mode": "distributed" if be.settings.distributed_queue else "embedded"}
    queue_stats = getattr(be.queue, "stats", None)
    if queue_stats is not None:
        data["queue"] = queue_stats()
    return data


def run(args: argparse.Namespace) -> int:
    be = backends()
    data = collect(be, args.failed)
    if args.json:
        print_json(data)
        return 0
    total = sum(data["documents"].values())
    print(f"mode: {data['mode']}")
    print(f"documents: {total} ({', '.join(f'{n} {s}' for s, n in sorted(data['documents'].items())) or 'none'})")
    print(f"pages: {data['pages']}   indexed documents: {data['indexed']}")
    for name, value in (data.get("queue") or {}).items():
        print(f"queue {name}: {value}")
    for item in data["failed"]:
        print(f"failed  {item['id']}  {item['file']}: {item['error']}")
    return 0
