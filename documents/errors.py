"""Exception types, named for what the caller should do about them.

`reason` is always a sentence a clerk can act on, in English; it is what the batch ledger, the manifest, the CLI
and the logs record. A reason a clerk may see in the web UI also carries a message `key` and its `params`: the UI
and the API translate it at render time from the catalogues in search_api/locale (the key is the msgid, the
English msgstr has the same text as `reason`). Ledgers and manifests store the key and params next to the text
(`error_key`, `error_params`), so a record written before keys existed still shows its English text.

A param may itself be a keyed message (`{"key": ..., "params": ...}`, see `message_of`), or a list of them: a
reason that wraps another one (`page 3: <reason>`) is translated as a whole.
"""

from __future__ import annotations

from typing import Any


class RecordsError(Exception):
    """Base of every error Records raises on purpose."""

    def __init__(self, reason: str, key: str | None = None, /, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key  # msgid in search_api/locale/*/LC_MESSAGES/messages.po, or None: English only
        self.params = params

    @property
    def message(self) -> dict[str, Any] | None:
        """The keyed message (`{"key", "params"}`) to translate, or None when the reason has no key."""
        return keyed(self.key, **self.params) if self.key else None

    def __reduce__(self):
        # Pickled across the OCR process pool: keep the key and params (Exception's default pickles `args` only),
        # and do not call a subclass's own __init__ (its arguments differ).
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type[RecordsError], args: tuple, state: dict[str, Any]) -> RecordsError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


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


def keyed(key: str, /, **params: Any) -> dict[str, Any]:
    """A keyed message as stored in ledgers and manifests (`error_key` / `error_params` hold its two parts)."""
    return {"key": key, "params": params}


def message_of(exc: RecordsError) -> dict[str, Any] | str:
    """What a wrapping reason carries as its param: the keyed message, or the English text when it has no key."""
    return exc.message or exc.reason
