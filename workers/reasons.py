"""The reasons a worker records when a page or a stage fails, each with its message key (documents.errors), so the
web UI shows them in the clerk's language. Both queues (in-process and RQ) word them the same way."""

from __future__ import annotations

from documents.errors import ProcessingFailed, RecordsError, keyed, message_of


def page_problem(number: int, exc: RecordsError) -> ProcessingFailed:
    """`page N: <reason>` for a page that failed with `exc`."""
    return ProcessingFailed(f"page {number}: {exc.reason}", "r_page", page=number, reason=message_of(exc))


def crash_problem(exc: Exception) -> ProcessingFailed:
    """A bug or a library crash on odd input, as a reason (the type and text of the exception)."""
    detail = f"{type(exc).__name__}: {exc}"
    return ProcessingFailed(f"processing error ({detail})", "r_processing_error", detail=detail)


def assemble_problem(exc: Exception) -> ProcessingFailed:
    """Assembling a document whose pages were all read failed unexpectedly."""
    detail = f"{type(exc).__name__}: {exc}"
    return ProcessingFailed(f"assembling the document failed ({detail})", "r_assemble_error", detail=detail)


def stage_problem(stage: str, exc: RecordsError, suffix: str = "", suffix_key: str | None = None) -> ProcessingFailed:
    """`<stage>: <reason>` for a job of `stage` (start, page, assemble) that failed with `exc`; `suffix` (keyed by
    `suffix_key`) says what to do next."""
    text = f"{stage}: {exc.reason}{suffix}"
    return ProcessingFailed(text, "r_stage", stage=keyed(f"stage_{stage}"), reason=message_of(exc),
                            then=keyed(suffix_key) if suffix_key else "")


def joined(problems: list[dict | str], texts: list[str], shown: int = 3) -> ProcessingFailed:
    """Several pages' reasons in one: the first `shown`, then how many more."""
    more = len(texts) - shown
    text = "; ".join(texts[:shown]) + (f" (and {more} more pages)" if more > 0 else "")
    if more > 0:
        return ProcessingFailed(text, "r_list_more", items=problems[:shown], more=more)
    return ProcessingFailed(text, "r_list", items=problems[:shown])
