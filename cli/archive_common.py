"""What the archival subcommands share: the editor they act as (the correction commands' own), and printing
records."""

from __future__ import annotations

from cli.changes_common import editor as editor_for

__all__ = ["editor_for", "retention_text"]


def retention_text(value) -> str:
    """`permanent`, `10 years`, or `-` when undecided."""
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value} years"
