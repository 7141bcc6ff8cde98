"""Arguments and helpers several subcommands share."""

from __future__ import annotations

import argparse

from workers.backends import Backends, open_backends


def json_flag(parser: argparse.ArgumentParser) -> None:
    """Every command takes --json."""
    parser.add_argument("--json", action="store_true", help="machine-readable output (one JSON document)")


def strict_flag(parser: argparse.ArgumentParser) -> None:
    """`--strict` on batch commands: rejected files also make the exit status 1 (ingest/outcome.py)."""
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 also when files are rejected (default: only failed files; rejected ones are "
                             "listed with their reason and the exit status is 0)")


def as_user_flag(parser: argparse.ArgumentParser) -> None:
    """`--as USER`: act with that user's rights, as the HTTP API would for their token."""
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help="act with this user's rights (default: local administrator, sees everything)")


def principal_for(args: argparse.Namespace, backends: Backends):
    """Who the command acts as: the `--as` user (from the catalog, exactly as the HTTP API would for their
    token) or the local administrator, who sees every agency."""
    from documents.access import LOCAL_ADMIN

    if not getattr(args, "as_user", None):
        return LOCAL_ADMIN
    from catalog import principal_for_user

    return principal_for_user(backends.settings, args.as_user)


def audit_as(args: argparse.Namespace, backends: Backends, principal, action: str, target: str | None,
             detail: dict | None = None, target_agency: str | None = None) -> None:
    """Record in the audit log what a `--as` user did through the command line (as the API records it)."""
    if getattr(args, "as_user", None):
        from catalog import audit

        audit(backends.settings, principal.user, principal.agency, action, target, detail,
              target_agency=target_agency)


def backends() -> Backends:
    """Backends from the environment."""
    return open_backends()
