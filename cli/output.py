"""Shared output helpers: JSON for scripts, progress bars and plain text for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def print_json(value: Any) -> None:
    """One JSON document on stdout (UTF-8, not ASCII-escaped)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n")


def error(message: str) -> int:
    """Print a user-facing error on stderr; returns the exit status to use."""
    sys.stderr.write(f"records: {message}\n")
    return 2


class _Progress:
    """A thin wrapper so callers need not care whether a bar is shown."""

    def __init__(self, bar, task) -> None:
        self.bar, self.task = bar, task

    def advance(self, n: int = 1, total: int | None = None, description: str | None = None) -> None:
        if self.bar is None:
            return
        kwargs: dict[str, Any] = {"advance": n}
        if total is not None:
            kwargs["total"] = total
        if description is not None:
            kwargs["description"] = description
        self.bar.update(self.task, **kwargs)


@contextmanager
def progress(description: str, enabled: bool, total: int | None = None) -> Iterator[_Progress]:
    """A progress bar on stderr when `enabled` and stderr is a terminal; otherwise silent."""
    if not (enabled and sys.stderr.isatty()):
        yield _Progress(None, None)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        yield _Progress(bar, bar.add_task(description, total=total))
