"""Arguments and helpers several subcommands share."""

from __future__ import annotations

import argparse

from workers.backends import Backends, open_backends


def json_flag(parser: argparse.ArgumentParser) -> None:
    """Every command takes --json."""
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON document)")


def as_user_flag(parser: argparse.ArgumentParser) -> None:
    """`--as USER`: act with that user's rights, as the HTTP API would for their token."""
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help="act with this user's rights (default: local administrator, sees everything)")


def access_for(args: argparse.Namespace, backends: Backends):
    """The caller's access: the named user's (via the catalog) or the local administrator's."""
    from index.base import Access

    if not getattr(args, "as_user", None):
        return Access(agency=None, all_agencies=True)
    from catalog import access_for_user

    return access_for_user(backends.settings, args.as_user)


def backends() -> Backends:
    """Backends from the environment."""
    return open_backends()
