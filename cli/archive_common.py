"""What the archival subcommands share: the editor they act as, and printing records."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from cli.common import backends, principal_for


@contextmanager
def editor_for(args: argparse.Namespace) -> Iterator:
    """A `changes.core.Editor` for the `--as` user (or the local administrator), closed afterwards."""
    from catalog import open_catalog
    from changes.core import Editor

    be = backends()
    cat = open_catalog(be.settings)
    try:
        yield Editor(backends=be, catalog=cat, principal=principal_for(args, be), client="cli")
    finally:
        cat.close()
        be.close()


def retention_text(value) -> str:
    """`permanent`, `10 years`, or `-` when undecided."""
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value} years"
