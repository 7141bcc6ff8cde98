"""The distributed queue: RQ on Redis, run by `records worker` processes on any machine.

Job graph of one document (ids are unique per document and stage, so re-running a stage overwrites its outputs):

    doc-<id>-start      (queue records-start)     copy the original, count pages; a one-page document is read
                                                  and assembled in this job (one job per one-page document);
                                                  longer ones enqueue:
    doc-<id>-page-<n>   (queue records-pages)     one job per page (or per group of RECORDS_PAGES_PER_JOB pages)
    doc-<id>-assemble   (queue records-assemble)  depends on every page job, *failures allowed*: it always runs
                                                  once the pages are final, and fails the document with the
                                                  failed pages' reasons, or assembles it.

Workers take assemble jobs first, then pages, then new documents, so started documents finish before new ones
start and the pages queue stays short. A Redis key per document in flight (`records:active:<id>`, set with NX at
enqueue, removed when the document reaches a final state) makes a second enqueue of the same document do nothing.
Transient errors (store or index unreachable) are retried with backoff; a worker killed mid-job leaves its job in
RQ's started registry, whose heartbeat expires, and RQ's maintenance re-runs it (see `workers.jobs`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator

from redis import Redis
from rq import Queue, Retry
from rq.callbacks import Callback
from rq.job import Dependency, Job, JobStatus
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from documents.errors import NotFound, TransientBackendError
from documents.model import Manifest
from settings import Settings
from workers.pipeline import TERMINAL, load_manifest, save_manifest
from workers.queue import JobQueue, OnDone
from workers.services import Services

log = logging.getLogger("records.rq")

START_QUEUE, PAGES_QUEUE, ASSEMBLE_QUEUE = "records-start", "records-pages", "records-assemble"
# Priority order for workers: finish started documents before starting new ones.
QUEUES = (ASSEMBLE_QUEUE, PAGES_QUEUE, START_QUEUE)

ACTIVE_KEY = "records:active:{}"  # a document in flight; value: the time it was enqueued
ACTIVE_TTL = 7 * 24 * 3600  # safety net only: final states and `records retry` remove it
DOCSTATE_KEY = "records:docstate"  # hash doc id -> queued | processing | processed | failed (for waiting, metrics)

RETRIES = 3
RETRY_INTERVALS = (5, 30, 120)  # transient errors: store/index down for up to ~2.5 minutes
RESULT_TTL = 24 * 3600  # finished jobs kept a day: the assemble job reads its page jobs' outcomes
FAILURE_TTL = 30 * 24 * 3600  # failed jobs kept a month for `records status` / `records retry`
ENQUEUE_CHUNK = 500  # documents per Redis round trip when enqueueing
ENQUEUE_FLUSH_SECONDS = 0.5  # ...or sooner, so workers start while a slow intake is still storing files
WAIT_POLL_SECONDS = 0.5
WORKER_CHECK_SECONDS = 30  # how often a waiting command looks for running workers (to say when there are none)


def int_env(name: str, default: int) -> int:
    """The integer in environment variable `name`; `default` when it is unset or empty."""
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def retry_policy() -> Retry:
    """Retries of a job on transient errors: 3, after RECORDS_RETRY_INTERVALS seconds (default 5,30,120)."""
    raw = os.environ.get("RECORDS_RETRY_INTERVALS")
    intervals = [int(x) for x in raw.split(",")] if raw else list(RETRY_INTERVALS)
    return Retry(max=RETRIES, interval=intervals)


def page_timeout() -> int:
    """Seconds one page job may run before it is stopped (RECORDS_PAGE_TIMEOUT, default 600)."""
    return int_env("RECORDS_PAGE_TIMEOUT", 600)


def pages_per_job() -> int:
    """Pages per page job (RECORDS_PAGES_PER_JOB, default 1: the finest spread over workers)."""
    return max(1, int_env("RECORDS_PAGES_PER_JOB", 1))


def start_job_id(doc_id: str) -> str:
    return f"doc-{doc_id}-start"


def page_job_id(doc_id: str, first: int, last: int) -> str:
    """Id of the job for pages first..last (1-based, inclusive)."""
    return f"doc-{doc_id}-page-{first}" if first == last else f"doc-{doc_id}-pages-{first}-{last}"


def assemble_job_id(doc_id: str) -> str:
    return f"doc-{doc_id}-assemble"


def doc_of_job(job_id: str) -> str | None:
    """The document id in a job id of ours (None for foreign jobs)."""
    parts = job_id.split("-")
    return parts[1] if len(parts) >= 3 and parts[0] == "doc" else None


def stage_of_job(job_id: str) -> str | None:
    """The stage (start, page, pages, assemble) in a job id of ours."""
    parts = job_id.split("-")
    return parts[2] if len(parts) >= 3 and parts[0] == "doc" else None


def connect(url: str) -> Redis:
    """A Redis connection, failing with an actionable reason when Redis is unreachable."""
    import redis

    conn = Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
    try:
        conn.ping()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise TransientBackendError(f"Redis at {url} is unreachable ({exc}); start it or fix RECORDS_REDIS_URL",
                                    "r_redis_unreachable", url=url, detail=str(exc)) from exc
    return conn


def failure_callback() -> Callback:
    """The failure callback of every job (records final failures on the document, counts retries)."""
    return Callback("workers.jobs.on_job_failure", timeout=60)


class RQQueue(JobQueue):
    """Schedules documents as RQ jobs; `records worker` processes run them."""

    def __init__(self, connection: Redis) -> None:
        self.connection = connection
        self.queues = {name: Queue(name, connection=connection) for name in QUEUES}

    @classmethod
    def from_settings(cls, settings: Settings) -> RQQueue:
        """The queue on `settings.redis_url`."""
        if not settings.redis_url:
            raise ValueError("RECORDS_REDIS_URL is not set")
        return cls(connect(settings.redis_url))

    # --- enqueueing ----------------------------------------------------------------------------------------------

    def process(self, doc_ids: Iterable[str], backends: Services, *, wait: bool, on_done: OnDone | None = None) -> None:
        pending: list[str] = []
        for chunk in self._chunks(iter(doc_ids)):
            self.enqueue_documents(chunk)
            pending.extend(chunk)
        if wait:
            self.wait(pending, backends, on_done or (lambda m: None))

    @staticmethod
    def _chunks(doc_ids: Iterator[str]) -> Iterator[list[str]]:
        """Ids in chunks of ENQUEUE_CHUNK, or smaller when the source is slow (flush after ENQUEUE_FLUSH_SECONDS)."""
        chunk: list[str] = []
        first = 0.0
        for doc_id in doc_ids:
            if not chunk:
                first = time.monotonic()
            if doc_id not in chunk:
                chunk.append(doc_id)
            if len(chunk) >= ENQUEUE_CHUNK or time.monotonic() - first >= ENQUEUE_FLUSH_SECONDS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def enqueue_documents(self, doc_ids: list[str]) -> list[str]:
        """Enqueue a start job for each document not already in flight (two Redis round trips per call).

        Returns the ids actually enqueued; the others are in flight already and left alone.
        """
        now = str(time.time())
        with self.connection.pipeline(transaction=False) as pipe:
            for doc_id in doc_ids:
                pipe.set(ACTIVE_KEY.format(doc_id), now, nx=True, ex=ACTIVE_TTL)
            acquired = [doc_id for doc_id, ok in zip(doc_ids, pipe.execute(), strict=True) if ok]
        if not acquired:
            return []
        queue = self.queues[START_QUEUE]
        datas = [Queue.prepare_data("workers.jobs.start_job", args=(doc_id,), job_id=start_job_id(doc_id),
                                    timeout=page_timeout(), result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
                                    retry=retry_policy(), on_failure=failure_callback(), description=f"start {doc_id}")
                 for doc_id in acquired]
        try:
            with self.connection.pipeline() as pipe:
                pipe.hset(DOCSTATE_KEY, mapping=dict.fromkeys(acquired, "queued"))
                queue.enqueue_many(datas, pipeline=pipe)
                pipe.execute()
        except BaseException:
            self.connection.delete(*[ACTIVE_KEY.format(doc_id) for doc_id in acquired])  # not in flight after all
            raise
        log.info(json.dumps({"event": "enqueued", "documents": len(acquired), "skipped": len(doc_ids) - len(acquired)}))
        return acquired

    def enqueue_pages(self, doc_id: str, page_count: int, page_args: list[tuple]) -> None:
        """Enqueue the page jobs of a started document and its assemble job (called by the start job).

        `page_args` holds one argument tuple per page job, in page order, each beginning with (first, last).
        """
        pages = self.queues[PAGES_QUEUE]
        datas = [Queue.prepare_data("workers.jobs.page_job", args=(doc_id, *args),
                                    job_id=page_job_id(doc_id, args[0], args[1]), timeout=page_timeout() *
                                    (args[1] - args[0] + 1), result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
                                    retry=retry_policy(), on_failure=failure_callback(),
                                    description=f"pages {args[0]}-{args[1]} of {doc_id}")
                 for args in page_args]
        jobs = pages.enqueue_many(datas)
        self.queues[ASSEMBLE_QUEUE].enqueue_call(
            "workers.jobs.assemble_job", args=(doc_id, page_count), job_id=assemble_job_id(doc_id),
            depends_on=Dependency(jobs=[j.id for j in jobs], allow_failure=True), timeout=max(600, page_count * 10),
            result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL, retry=retry_policy(), on_failure=failure_callback(),
            description=f"assemble {doc_id}")

    # --- waiting -------------------------------------------------------------------------------------------------

    def wait(self, doc_ids: list[str], backends: Services, on_done: OnDone) -> None:
        """Poll until every document is final (processed or failed), calling `on_done` with each manifest."""
        remaining = list(dict.fromkeys(doc_ids))
        check_workers = time.monotonic()  # when to look for running workers next (until found missing once)
        while remaining:
            still: list[str] = []
            for start in range(0, len(remaining), ENQUEUE_CHUNK):
                chunk = remaining[start:start + ENQUEUE_CHUNK]
                states = self.connection.hmget(DOCSTATE_KEY, chunk)
                for doc_id, state in zip(chunk, states, strict=True):
                    if state is not None and state.decode() in TERMINAL:
                        on_done(load_manifest(backends, doc_id))
                    else:
                        still.append(doc_id)
            remaining = still
            if remaining:
                # Not at every poll: listing the workers reads every worker's hash (it cost as much CPU as the rest of
                # the command over a batch).
                if time.monotonic() >= check_workers:
                    check_workers = time.monotonic() + WORKER_CHECK_SECONDS
                    if not self.worker_count():
                        sys.stderr.write("records: waiting for workers: none is running; start `records worker`\n")
                        check_workers = float("inf")
                time.sleep(WAIT_POLL_SECONDS)

    # --- inspection and recovery ---------------------------------------------------------------------------------

    def worker_count(self) -> int:
        """Workers registered on any of our queues."""
        from rq import Worker

        return len({w.name for q in self.queues.values() for w in Worker.all(queue=q)})

    def failed_jobs(self, limit: int | None = None) -> list[dict]:
        """Failed jobs of every queue with their reason (newest last), up to `limit`."""
        out: list[dict] = []
        for name, queue in self.queues.items():
            registry = FailedJobRegistry(queue=queue)
            ids = registry.get_job_ids()
            for job in Job.fetch_many(ids, connection=self.connection):
                if job is None:
                    continue
                out.append({"job": job.id, "queue": name, "document": doc_of_job(job.id), "reason": job_reason(job)})
                if limit is not None and len(out) >= limit:
                    return out
        return out

    def stats(self) -> dict:
        """Flat figures for `records status`: depth per queue, running, scheduled retries, failed jobs."""
        from workers.metrics import pages_per_minute

        data: dict = {}
        for name, queue in self.queues.items():
            data[f"{name} waiting"] = queue.count
            data[f"{name} running"] = StartedJobRegistry(queue=queue).count
            data[f"{name} deferred"] = queue.deferred_job_registry.count
            data[f"{name} retry scheduled"] = ScheduledJobRegistry(queue=queue).count
            data[f"{name} failed"] = FailedJobRegistry(queue=queue).count
        data["workers"] = self.worker_count()
        data["jobs retried"] = int(self.connection.get("records:m:retried") or 0)
        data["pages per minute (last 5 min)"] = pages_per_minute(self.connection, 300)
        for item in self.failed_jobs(limit=20):
            data[f"failed job {item['job']}"] = item["reason"]
        return data

    def retry_failed(self, backends: Services, doc_ids: Iterable[str] | None = None) -> list[str]:
        """Requeue documents with failed jobs (or the given failed documents): their failed jobs are removed and
        each document runs again from its start job. Returns the ids requeued.

        Stages overwrite their outputs, so re-running whole documents is safe; pages that had succeeded are
        OCR'd again (simple and exactly the same result).
        """
        wanted = set(doc_ids) if doc_ids is not None else None
        to_requeue: dict[str, list[tuple[FailedJobRegistry, str]]] = {}
        for queue in self.queues.values():
            registry = FailedJobRegistry(queue=queue)
            for job_id in registry.get_job_ids():
                doc_id = doc_of_job(job_id)
                if doc_id and (wanted is None or doc_id in wanted):
                    to_requeue.setdefault(doc_id, []).append((registry, job_id))
        for doc_id in wanted or ():
            to_requeue.setdefault(doc_id, [])
        requeued: list[str] = []
        for doc_id, failed in to_requeue.items():
            try:
                manifest = load_manifest(backends, doc_id)
            except NotFound:
                manifest = None
            if self.in_flight(doc_id):
                continue  # still running (its assemble job reports the failed pages); retry once it is final
            for registry, job_id in failed:
                registry.remove(job_id, delete_job=True)
            if manifest is None or manifest.status == "processed":
                continue  # nothing to redo (deleted document, or already done by a later run)
            manifest.set_error("queued", None)
            save_manifest(backends, manifest)
            self.connection.delete(ACTIVE_KEY.format(doc_id))
            requeued.extend(self.enqueue_documents([doc_id]))
        return requeued

    def requeue_documents(self, backends, doc_ids: list[str]) -> list[str]:
        """Run documents again from their start job whatever Redis remembers of them (`records recover`: their
        jobs were lost or timed out). Stale jobs and the in-flight marker are dropped first; stages are
        idempotent, so a document that was in fact still running still ends processed exactly once."""
        requeued: list[str] = []
        for doc_id in doc_ids:
            try:
                manifest = load_manifest(backends, doc_id)
            except NotFound:
                continue
            if manifest.status in TERMINAL:
                continue  # finished meanwhile
            manifest.set_error("queued", None)
            save_manifest(backends, manifest)
            self.connection.delete(ACTIVE_KEY.format(doc_id))
            requeued.extend(self.enqueue_documents([doc_id]))
        return requeued

    def alive(self, doc_id: str) -> bool:
        """True while some job of the document can still run: queued *in* its queue, started by a worker that is
        still registered, scheduled, or deferred on a dependency that is itself alive. A job that only looks in
        flight (its worker was killed between taking it off the queue and recording it as started, or a page job
        lost that way leaves its assemble job deferred for ever) is orphaned: `recover` runs such documents again."""
        ids = [start_job_id(doc_id), assemble_job_id(doc_id)]
        return any(job is not None and self._job_alive(job, 0)
                   for job in Job.fetch_many(ids, connection=self.connection))

    def _job_alive(self, job: Job, depth: int) -> bool:
        status = job.get_status(refresh=False)
        if status == JobStatus.SCHEDULED:
            return True
        if status == JobStatus.QUEUED:
            return self.connection.lpos(Queue.redis_queue_namespace_prefix + job.origin, job.id) is not None
        if status == JobStatus.STARTED:
            return bool(job.worker_name) and bool(self.connection.exists(f"rq:worker:{job.worker_name}"))
        if status == JobStatus.DEFERRED and depth < 2:
            return any(dep is not None and self._job_alive(dep, depth + 1)
                       for dep in Job.fetch_many(job.dependency_ids, connection=self.connection))
        return False

    def in_flight(self, doc_id: str) -> bool:
        """True while some job of the document is queued, running, deferred or scheduled."""
        active = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
        ids = [start_job_id(doc_id), assemble_job_id(doc_id)]
        return any(job is not None and job.get_status(refresh=False) in active
                   for job in Job.fetch_many(ids, connection=self.connection))

    def document_states(self) -> dict[str, int]:
        """Documents per state as the workers last recorded them."""
        counts: dict[str, int] = {}
        for _, state in self.connection.hscan_iter(DOCSTATE_KEY, count=1000):
            counts[state.decode()] = counts.get(state.decode(), 0) + 1
        return counts


def job_message(job: Job) -> dict | str:
    """Why a job failed as a keyed message (documents.errors) when the job recorded one, else `job_reason`."""
    return (job.meta or {}).get("reason_message") or job_reason(job)


def job_reason(job: Job) -> str:
    """Why a job failed, in one line: the reason the job recorded, else the last line of its traceback."""
    reason = (job.meta or {}).get("reason")
    if reason:
        return reason
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or job.exc_info or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "failed (no reason recorded)"


def final_manifest(backends: Services, doc_id: str) -> Manifest | None:
    """The manifest when the document is final, else None."""
    manifest = load_manifest(backends, doc_id)
    return manifest if manifest.status in TERMINAL else None
