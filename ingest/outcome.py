"""One exit-code convention for every batch: `records ingest`, `records import` and the API's batch status.

- 0 (`complete`): every file ended `processed` or `duplicate` (or is still `queued` in distributed mode);
- 1 (`attention`): the batch ran to its end, but some files were `rejected` or `failed` (or, for an import,
  manifest rows had problems or named missing files): the ledger / report says which and why;
- 2: the command itself could not run (bad arguments, unknown agency, unreachable backend) — nothing to read.
"""

from __future__ import annotations

from collections.abc import Mapping

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_ERROR = 2
NEEDS_ATTENTION = ("rejected", "failed")


def attention(counts: Mapping[str, int], extra: int = 0) -> int:
    """How many things in a batch need a clerk's attention (`extra`: import manifest problems, missing files)."""
    return sum(int(counts.get(state, 0)) for state in NEEDS_ATTENTION) + extra


def outcome(counts: Mapping[str, int], extra: int = 0) -> str:
    """`complete` or `attention`, as the API's batch status says it."""
    return "attention" if attention(counts, extra) else "complete"


def exit_code(counts: Mapping[str, int], extra: int = 0) -> int:
    """The exit status of a command that ran a batch to its end."""
    return EXIT_ATTENTION if attention(counts, extra) else EXIT_OK
