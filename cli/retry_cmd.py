"""`records retry`: requeue the documents whose jobs failed (distributed mode)."""

from __future__ import annotations

import argparse

from cli.common import backends, json_flag
from cli.output import error, print_json


def add_parser(sub) -> None:
    p = sub.add_parser("retry", help="requeue documents whose jobs failed (after fixing the cause)")
    p.add_argument("ids", nargs="*", metavar="ID", help="only these documents (also failed ones without failed jobs)")
    p.add_argument("--failed-documents", action="store_true",
                   help="also requeue every document whose status is failed, not only those with failed jobs")
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from documents.model import manifest_key

    be = backends()
    if not be.settings.distributed_queue:
        return error("RECORDS_REDIS_URL is not set: in embedded mode run `records ingest` on the files again")
    ids: list[str] | None = list(args.ids) or None
    if args.failed_documents:
        failed = [d for d in be.store.document_ids() if be.store.get_json(manifest_key(d))["status"] == "failed"]
        failed_jobs = {item["document"] for item in be.queue.failed_jobs() if item["document"]}
        ids = sorted(set(ids or []) | set(failed) | failed_jobs)
    requeued = be.queue.retry_failed(be, ids)
    if args.json:
        print_json({"requeued": requeued})
    else:
        print(f"requeued {len(requeued)} document(s)")
        for doc_id in requeued:
            print(f"  {doc_id}")
    return 0
