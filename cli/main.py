"""`records`: one command with subcommands. Each subcommand lives in its own module with
`add_parser(subparsers)` (registering `func=run`) and `run(args) -> int`."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from cli.output import error
from documents.errors import RecordsError

# modules providing subcommands, in the order `records --help` lists them
COMMANDS = ("ingest_cmd", "import_cmd", "search_cmd", "show_cmd", "status_cmd", "reindex_cmd", "serve_cmd",
            "worker_cmd", "retry_cmd", "users_cmd", "audit_cmd", "archives_cmd", "disposition_cmd",
            "package_cmd", "edit_cmd", "text_cmd", "review_cmd", "pages_cmd", "trash_cmd",
            "verify_cmd", "recover_cmd", "backup_cmd", "restore_cmd")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (subcommand modules that are not installed are left out)."""
    parser = argparse.ArgumentParser(prog="records", description="Scans in, searchable access-controlled records out. "
                                     "Data lives in RECORDS_HOME (default ./records-data) unless RECORDS_S3_*, "
                                     "RECORDS_ES_URL, RECORDS_REDIS_URL choose the distributed backends.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each pipeline stage on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"cli.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `records` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(message)s")
    try:
        return int(args.func(args) or 0)
    except RecordsError as exc:
        return error(exc.reason)
    except ValueError as exc:
        return error(str(exc))
    except KeyboardInterrupt:
        return error("interrupted; run the same command again to resume")


if __name__ == "__main__":
    sys.exit(main())
