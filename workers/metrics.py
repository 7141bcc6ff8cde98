"""Operational metrics in the Prometheus text format (`render_metrics`, mounted at `GET /metrics`).

Distributed mode keeps its counters in Redis, written by the workers: page completions with their time (a sorted
set trimmed to the last hour, one member per document page, so a re-run page is not counted twice), jobs retried,
jobs failed for good, each document's last state and OCR confidence. Queue depths come from RQ's own registries.
Embedded mode has no shared counters, so the figures are computed from the store's manifests.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

PAGES_KEY = "records:m:pages"  # zset "<doc>:<page>" -> completion time
PAGES_TOTAL_KEY = "records:m:pages_total"  # counter of page jobs done (re-runs included)
RETRIED_KEY = "records:m:retried"
JOBS_FAILED_KEY = "records:m:jobs_failed"
CONFIDENCE_KEY = "records:m:confidence"  # hash doc -> mean OCR confidence of the processed document
PAGES_WINDOW = 3600  # seconds of page completions kept for the rates
CONFIDENCE_BUCKETS = (50, 60, 70, 80, 90, 95, 100)


def page_done(connection, doc_id: str, number: int) -> None:
    """Record one page finished now (called by page jobs)."""
    now = time.time()
    with connection.pipeline(transaction=False) as pipe:
        pipe.zadd(PAGES_KEY, {f"{doc_id}:{number}": now})
        pipe.zremrangebyscore(PAGES_KEY, "-inf", now - PAGES_WINDOW)
        pipe.incr(PAGES_TOTAL_KEY)
        pipe.execute()


def pages_per_minute(connection, window: int = 60) -> float:
    """Pages finished per minute over the last `window` seconds (distributed mode)."""
    now = time.time()
    return round(connection.zcount(PAGES_KEY, now - window, now) * 60 / window, 1)


def _line(out: list[str], name: str, value, labels: dict[str, str] | None = None) -> None:
    label = "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else ""
    out.append(f"{name}{label} {value}")


def _head(out: list[str], name: str, kind: str, help_text: str) -> None:
    out.append(f"# HELP {name} {help_text}")
    out.append(f"# TYPE {name} {kind}")


def _confidence(out: list[str], values: list[float]) -> None:
    _head(out, "records_ocr_confidence", "histogram", "mean OCR word confidence (0-100) of processed documents")
    for bound in CONFIDENCE_BUCKETS:
        _line(out, "records_ocr_confidence_bucket", sum(1 for v in values if v <= bound), {"le": str(bound)})
    _line(out, "records_ocr_confidence_bucket", len(values), {"le": "+Inf"})
    _line(out, "records_ocr_confidence_sum", round(sum(values), 1))
    _line(out, "records_ocr_confidence_count", len(values))


def _documents(out: list[str], states: dict[str, int]) -> None:
    _head(out, "records_documents", "gauge", "documents per state")
    for state in ("queued", "processing", "processed", "failed"):
        _line(out, "records_documents", states.get(state, 0), {"state": state})


def _distributed(out: list[str], queue) -> None:
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    conn = queue.connection
    _head(out, "records_pages_per_minute", "gauge", "pages finished per minute over the window")
    for label, seconds in (("1m", 60), ("5m", 300), ("15m", 900)):
        _line(out, "records_pages_per_minute", pages_per_minute(conn, seconds), {"window": label})
    _head(out, "records_pages_processed_total", "counter", "page jobs completed (re-runs included)")
    _line(out, "records_pages_processed_total", int(conn.get(PAGES_TOTAL_KEY) or 0))
    _head(out, "records_queue_depth", "gauge", "jobs waiting in each queue")
    for name, q in queue.queues.items():
        _line(out, "records_queue_depth", q.count, {"queue": name})
    _head(out, "records_jobs_running", "gauge", "jobs being run by a worker")
    for name, q in queue.queues.items():
        _line(out, "records_jobs_running", StartedJobRegistry(queue=q).count, {"queue": name})
    _head(out, "records_jobs_deferred", "gauge", "jobs waiting for other jobs (assemble waits for its pages)")
    for name, q in queue.queues.items():
        _line(out, "records_jobs_deferred", q.deferred_job_registry.count, {"queue": name})
    _head(out, "records_jobs_retry_scheduled", "gauge", "jobs waiting for a retry after a transient error")
    for name, q in queue.queues.items():
        _line(out, "records_jobs_retry_scheduled", ScheduledJobRegistry(queue=q).count, {"queue": name})
    _head(out, "records_jobs_failed", "gauge", "failed jobs kept for `records retry`")
    for name, q in queue.queues.items():
        _line(out, "records_jobs_failed", FailedJobRegistry(queue=q).count, {"queue": name})
    _head(out, "records_jobs_failed_total", "counter", "jobs that failed for good")
    _line(out, "records_jobs_failed_total", int(conn.get(JOBS_FAILED_KEY) or 0))
    _head(out, "records_jobs_retried_total", "counter", "job retries (transient errors and dead workers)")
    _line(out, "records_jobs_retried_total", int(conn.get(RETRIED_KEY) or 0))
    _head(out, "records_workers", "gauge", "workers registered on the queues")
    _line(out, "records_workers", queue.worker_count())
    _documents(out, queue.document_states())
    _confidence(out, [float(v) for _, v in conn.hscan_iter(CONFIDENCE_KEY, count=1000)])


def _embedded(out: list[str], backends) -> None:
    from documents.model import manifest_key

    states: Counter[str] = Counter()
    confidences: list[float] = []
    now = datetime.now(UTC)
    recent = {60: 0, 300: 0, 900: 0}
    for doc_id in backends.store.document_ids():
        manifest = backends.store.get_json(manifest_key(doc_id))
        states[manifest["status"]] += 1
        if manifest["status"] != "processed":
            continue
        confidence = (manifest.get("metadata") or {}).get("ocr_confidence")
        if confidence is not None:
            confidences.append(float(confidence))
        age = (now - datetime.fromisoformat(manifest["updated_at"])).total_seconds()
        for window in recent:
            if age <= window:
                recent[window] += len(manifest.get("pages") or [])
    _head(out, "records_pages_per_minute", "gauge", "pages of documents finished per minute over the window")
    for (label, window) in (("1m", 60), ("5m", 300), ("15m", 900)):
        _line(out, "records_pages_per_minute", round(recent[window] * 60 / window, 1), {"window": label})
    _documents(out, dict(states))
    _confidence(out, confidences)


def render_metrics(backends) -> str:
    """Prometheus text exposition of the pipeline's figures for `backends` (embedded or distributed)."""
    out: list[str] = []
    if backends.settings.distributed_queue:
        _distributed(out, backends.queue)
    else:
        _embedded(out, backends)
    return "\n".join(out) + "\n"
