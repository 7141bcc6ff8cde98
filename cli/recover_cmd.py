"""`records recover [--older-than SECONDS] [--json]`: run again documents a crash or a lost queue left unfinished."""

from __future__ import annotations

import argparse

from cli.common import backends, json_flag
from cli.output import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("recover", help="re-run documents left queued or processing by a crash or a lost queue",
                       description="Find every document whose manifest says queued or processing for longer than "
                                   "--older-than seconds (default: the job timeout), or whose job is gone from "
                                   "Redis, and run it again: enqueue it (distributed) or process it here (embedded).")
    p.add_argument("--older-than", type=float, default=None, metavar="SECONDS",
                   help="only documents unchanged for this long (default: RECORDS_PAGE_TIMEOUT, 600)")
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from integrity.recover import recover

    if args.older_than is not None and args.older_than < 0:
        raise ValueError("--older-than must be 0 or more seconds")
    be = backends()
    try:
        report = recover(be, args.older_than)
    finally:
        be.close()
    if args.json:
        print_json(report.to_dict())
    else:
        print(f"recover: {report.checked} unfinished document(s) found, {len(report.stale)} stale: "
              f"{len(report.requeued)} requeued, {len(report.processed)} processed, {len(report.failed)} failed, "
              f"{len(report.left_running)} still running")
    return 1 if report.failed else 0
