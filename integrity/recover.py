"""`records recover`: documents left `queued` or `processing` by a crash, a killed command or a Redis that lost its
data are found in the object store (the system of record) and run again. Jobs are idempotent, so a document that
was in fact still running ends processed exactly once either way.

Distributed mode: a document is re-enqueued when its manifest has not changed for longer than `older_than` seconds
(the job timeout by default), or when Redis has no live job for it any more (none at all, or only orphans of a
killed worker: see `RQQueue.alive`) and it is older than `gone_after()` seconds
(`RECORDS_RECOVER_GONE_AFTER`, 30: a document whose start job is about to be enqueued by a running `ingest` is
left alone). Embedded mode: every
such document older than `older_than` is processed here and now.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from documents.errors import NotFound
from documents.model import Manifest, manifest_key

log = logging.getLogger("records.recover")

STALE_STATES = ("queued", "processing")


def gone_after() -> float:
    """Seconds after which a document with no job in Redis was lost by the queue, not still being enqueued
    (RECORDS_RECOVER_GONE_AFTER, default 30)."""
    return float(os.environ.get("RECORDS_RECOVER_GONE_AFTER") or 30)


@dataclass
class RecoverReport:
    """What `recover` found and did."""

    checked: int = 0
    stale: list[str] = field(default_factory=list)  # queued/processing documents it looked at
    requeued: list[str] = field(default_factory=list)  # distributed: enqueued again
    processed: list[str] = field(default_factory=list)  # embedded: run to a final state here
    failed: list[str] = field(default_factory=list)  # embedded: ended failed (the manifest says why)
    left_running: list[str] = field(default_factory=list)  # distributed: still has a live job, not yet timed out

    def to_dict(self) -> dict:
        """JSON view."""
        return {"checked": self.checked, "stale": len(self.stale), "requeued": self.requeued,
                "processed": self.processed, "failed": self.failed, "left_running": self.left_running}


def _age(manifest: Manifest, now: float) -> float:
    try:
        return now - datetime.fromisoformat(manifest.updated_at).timestamp()
    except (TypeError, ValueError):
        return float("inf")  # unreadable time: treat as old


def unfinished(backends, now: float | None = None) -> Iterator[tuple[Manifest, float]]:
    """(manifest, age in seconds) of every document the store says is queued or processing."""
    now = time.time() if now is None else now
    for doc_id in backends.store.document_ids():
        try:
            manifest = Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))
        except NotFound:
            continue  # deleted meanwhile
        if manifest.status in STALE_STATES and manifest.trashed is None:
            yield manifest, _age(manifest, now)


def recover(backends, older_than: float | None = None) -> RecoverReport:
    """Find and re-run stale documents (see the module doc). `older_than` defaults to the job timeout."""
    from workers.rq_queue import RQQueue, page_timeout

    if older_than is None:
        older_than = float(page_timeout())
    report = RecoverReport()
    queue = backends.queue
    candidates: list[str] = []
    for manifest, age in unfinished(backends):
        report.checked += 1
        if isinstance(queue, RQQueue):
            in_flight = queue.alive(manifest.id)
            if age > older_than or (not in_flight and age > min(older_than, gone_after())):
                candidates.append(manifest.id)
            elif in_flight:
                report.left_running.append(manifest.id)
        elif age >= older_than:
            candidates.append(manifest.id)
    report.stale = list(candidates)
    if not candidates:
        return report
    if isinstance(queue, RQQueue):
        report.requeued = queue.requeue_documents(backends, candidates)
    else:
        def done(manifest: Manifest) -> None:
            (report.processed if manifest.status == "processed" else report.failed).append(manifest.id)

        queue.process(iter(candidates), backends, wait=True, on_done=done)
    log.info("recover: %d stale document(s), %d requeued, %d processed", len(candidates), len(report.requeued),
             len(report.processed))
    return report
