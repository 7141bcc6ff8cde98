"""`records verify [--repair] [--json]`: find damage to stored originals and derivatives, and index drift."""

from __future__ import annotations

import argparse

from cli.common import backends, json_flag
from cli.output import print_json, progress


def add_parser(sub) -> None:
    p = sub.add_parser("verify", help="re-hash stored files against their ingest hashes; check the index",
                       description="Re-hash every original and derivative against the sha256 recorded when it was "
                                   "stored, and check that the search index and the manifests agree. Exit 0 only "
                                   "when everything is in order (after --repair: when everything was mended).")
    p.add_argument("--repair", action="store_true",
                   help="re-derive damaged derivatives from the original and reindex; a damaged original is only "
                        "reported")
    json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from integrity.verify import verify_store

    be = backends()
    try:
        with progress("verifying", enabled=not args.json) as bar:
            report = verify_store(be, repair=args.repair, on_document=lambda _: bar.advance(1))
    finally:
        be.close()
    if args.json:
        print_json(report.to_dict())
    else:
        for p in report.problems:
            state = "" if p.repaired is None else ("  [repaired]" if p.repaired else "  [NOT repaired]")
            print(f"{p.id}  {p.object}: {p.problem}{state}")
        verdict = "ok" if report.ok else f"{sum(1 for p in report.problems if not p.repaired)} problem(s)"
        print(f"verified {report.checked} document(s): {verdict}"
              + (f"; {report.unhashed} stored before derivative hashes were recorded (originals checked only)"
                 if report.unhashed else ""))
    return 0 if report.ok else 1
