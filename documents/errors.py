"""Exception types, named for what the caller should do about them.

`reason` is always a sentence a clerk can act on; it is what the batch ledger records.
"""

from __future__ import annotations


class RecordsError(Exception):
    """Base of every error Records raises on purpose."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RejectedInput(RecordsError):
    """The input itself is unusable (empty, truncated, encrypted, unsupported type, too large).

    Re-running will not help; the clerk must supply a different file. Ledger state: `rejected`.
    """


class ProcessingFailed(RecordsError):
    """The input looked valid but a stage failed on it. Ledger state: `failed`; a retry may help."""


class NotFound(RecordsError):
    """A document, object or user does not exist (or the caller may not know it exists)."""


class TransientBackendError(RecordsError):
    """A backend (store, index, queue) was unreachable; the job should be retried with backoff."""
