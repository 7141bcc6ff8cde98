"""The batch ledger: every input file of a batch and the one state it ended in."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from documents.errors import NotFound

FINAL_STATES = ("processed", "duplicate", "rejected", "failed")


def new_batch_id() -> str:
    """Sortable and unique: UTC timestamp plus randomness."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


@dataclass
class LedgerEntry:
    """One input file. `status`: processed, duplicate (of `duplicate_of`), rejected, failed, or queued/processing."""

    path: str
    id: str | None = None
    status: str = "queued"
    pages: int = 0
    error: str | None = None  # the reason in English (CLI, logs)
    duplicate_of: str | None = None
    flags: list[dict] = field(default_factory=list)  # open page quality flags (documents.model.open_flags)
    # the reason's message key and params (documents.errors), for the web UI's translation; None in old ledgers
    error_key: str | None = None
    error_params: dict = field(default_factory=dict)

    def set_error(self, status: str, reason: str | None, message: dict | None = None) -> None:
        """Enter `status` with `reason` (English) and its keyed message, when it has one."""
        self.status, self.error = status, reason
        self.error_key, self.error_params = (message["key"], message["params"]) if message else (None, {})


@dataclass
class BatchResult:
    """A batch and its ledger; `counts` always adds up to the number of inputs."""

    batch: str
    documents: list[LedgerEntry] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Entries per state (final states always present, others when non-zero)."""
        counts = dict.fromkeys(FINAL_STATES, 0)
        for entry in self.documents:
            counts[entry.status] = counts.get(entry.status, 0) + 1
        return counts

    def to_dict(self) -> dict:
        """The `--json` shape of DESIGN.md."""
        return {"batch": self.batch, "documents": [asdict(e) for e in self.documents], "counts": self.counts}

    @classmethod
    def from_dict(cls, data: dict) -> BatchResult:
        """Inverse of `to_dict`."""
        return cls(data["batch"], [LedgerEntry(**e) for e in data["documents"]])


def ledger_key(batch_id: str) -> str:
    """Store key of a batch ledger."""
    return f"batches/{batch_id}.json"


def save(store, result: BatchResult) -> None:
    """Write the ledger to the object store."""
    store.put_json(ledger_key(result.batch), result.to_dict())


def load(store, batch_id: str) -> BatchResult:
    """Read a ledger (raises NotFound for an unknown or malformed batch id)."""
    if not batch_id.replace("-", "").isalnum():
        raise NotFound(f"no batch {batch_id}")
    return BatchResult.from_dict(store.get_json(ledger_key(batch_id)))
