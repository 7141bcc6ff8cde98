"""One exit-code convention for every batch: `records ingest`, `records import` and the API's batch status.

- 0 (`complete`): the batch ran to its end and every file reached a final state: `processed`, `duplicate`, or
  `rejected` (the file itself is unusable; its reason is in the ledger / report), or is still `queued` in
  distributed mode without `--wait`. A rejected file is an answer, not an error: nothing in Records can retry it,
  and a folder of scans often holds other files (the samples' ground truth, a README) that are rightly refused.
- 1 (`attention`): some files `failed` (a processing error or a timeout; `records ingest` run again retries
  them), or, for an import, manifest rows could not be applied or named missing files. With `--strict`
  (`strict=True`), rejected files count here too, for scripts that want every file accepted.
- 2: the command itself could not run (bad arguments, unknown agency, unreachable backend) — nothing to read.
"""

from __future__ import annotations

from collections.abc import Mapping

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_ERROR = 2
NEEDS_ATTENTION = ("failed",)
NEEDS_ATTENTION_STRICT = ("failed", "rejected")


def attention(counts: Mapping[str, int], extra: int = 0, strict: bool = False) -> int:
    """How many things in a batch need a clerk's attention (`extra`: import manifest problems, missing files;
    `strict`: rejected files count too)."""
    states = NEEDS_ATTENTION_STRICT if strict else NEEDS_ATTENTION
    return sum(int(counts.get(state, 0)) for state in states) + extra


def outcome(counts: Mapping[str, int], extra: int = 0, strict: bool = False) -> str:
    """`complete` or `attention`, as the API's batch status says it."""
    return "attention" if attention(counts, extra, strict) else "complete"


def exit_code(counts: Mapping[str, int], extra: int = 0, strict: bool = False) -> int:
    """The exit status of a command that ran a batch to its end."""
    return EXIT_ATTENTION if attention(counts, extra, strict) else EXIT_OK
