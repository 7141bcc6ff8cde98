"""The RQ job functions `records worker` runs: start, page and assemble, plus the failure callback.

Each job opens the backends from the worker's environment and shares nothing with the other jobs but Redis,
the object store and the index, so workers can run on different machines. Page jobs fetch the original from
the store themselves (cached per machine, so a 300-page PDF is downloaded once per worker machine, not once
per page).

Errors: transient ones (store, index or Redis unreachable) propagate, and RQ retries the job with backoff.
Anything else is permanent for this input: the job records its reason (`job.meta["reason"]`), gives up its
remaining retries and fails; the assemble job (which runs even when pages failed) then fails the document
with the reasons of its failed pages.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn, TypeVar

import redis
from rq import get_current_job
from rq.job import Job, JobStatus
from rq.timeouts import JobTimeoutException

from documents.errors import NotFound, ProcessingFailed, RecordsError, TransientBackendError, keyed
from documents.model import original_key
from settings import Settings
from workers import metrics
from workers.allocator import keep_freed_memory
from workers.backends import Backends, open_backends
from workers.pipeline import assemble, fail, load_manifest, store_page
from workers.reasons import assemble_problem, crash_problem, joined, page_problem, stage_problem
from workers.rq_queue import (
    ACTIVE_KEY,
    DOCSTATE_KEY,
    RQQueue,
    doc_of_job,
    job_message,
    job_reason,
    page_timeout,
    pages_per_job,
    stage_of_job,
)
from workers.stages import PageWork, ocr_page, start_document

log = logging.getLogger("records.worker")

TRANSIENT = (TransientBackendError, ConnectionError, TimeoutError, redis.ConnectionError, redis.TimeoutError)
F = TypeVar("F", bound=Callable)
CACHE_MAX_AGE = 6 * 3600  # cached originals unused this long are removed
# What jobs import on first use (assembly, the archival PDF and its XMP metadata, change marks, the numpy parts the
# cleanup reaches lazily, date parsing): `warm_up` imports them in the worker, before it forks a process per job.
JOB_MODULES = ("metadata", "archives.pdfa", "lxml.etree", "changes.marks", "numpy.ma", "numpy.random", "pypdf.filters",
               "_strptime")


def warm_up(settings: Settings) -> None:
    """Load in the worker process what every job would otherwise load again in the process RQ forks for it: the OCR
    models and dictionaries (`ocr.tesseract.preload`), the modules jobs import on first use, the index and store
    backends' modules, Pillow's image plugins and the archival PDF's colour profile. Unwarmed, each job spent about
    0.06 CPU-s importing and compiling them (0.6 s per 10 one-page documents). The malloc settings that keep page
    buffers for reuse (`workers.allocator`) are inherited by the jobs too."""
    from PIL import Image

    from archives.pdfa import srgb_profile
    from ocr.tesseract import preload

    keep_freed_memory()
    preload()
    backend_modules = ("index.elastic" if settings.es_url else "index.tantivy_index",
                       *(("storage.s3",) if settings.s3_endpoint else ()))
    for name in (*JOB_MODULES, *backend_modules):
        importlib.import_module(name)
    Image.init()
    srgb_profile()


class StageFailed(Exception):
    """A stage failed for good on this input (not retried); the message is the reason for the clerk."""


def cache_dir() -> Path:
    """Where this machine keeps fetched originals (RECORDS_WORK_DIR, default a folder in the temp dir)."""
    path = Path(os.environ.get("RECORDS_WORK_DIR") or Path(tempfile.gettempdir()) / f"records-work-{os.getuid()}")
    path.mkdir(parents=True, exist_ok=True)
    return path


def prune_cache(max_age: float = CACHE_MAX_AGE) -> None:
    """Remove cached originals (and leftovers of killed jobs) not used for `max_age` seconds."""
    cutoff = time.time() - max_age
    for entry in cache_dir().iterdir():
        try:
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        except OSError:
            continue  # another worker removed or is replacing it


def _log(stage: str, doc_id: str, started: float, **extra) -> None:
    log.info(json.dumps({"event": "job", "stage": stage, "doc": doc_id, "seconds": round(time.monotonic() - started, 3),
                         "worker": os.environ.get("RQ_WORKER_ID"), **extra}, ensure_ascii=False))


def _give_up(problem: RecordsError) -> NoReturn:
    """Fail the current job for good with `problem`'s reason (no retries: the same input would fail the same way);
    its keyed message goes along, for the web UI."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0
        job.meta["reason"] = problem.reason
        job.meta["reason_message"] = problem.message
        job.save_meta()
    raise StageFailed(problem.reason)


def _original(backends: Backends, doc_id: str, ext: str, size: int) -> Path:
    """The document's original on this machine: from the cache, else fetched from the store (atomically)."""
    path = cache_dir() / f"{doc_id}.{ext}"
    try:
        if path.stat().st_size == size:
            os.utime(path)
            return path
    except FileNotFoundError:
        pass
    tmp = cache_dir() / f".{doc_id}.{os.getpid()}.{ext}"
    backends.store.get_file(original_key(doc_id, ext), tmp)
    os.replace(tmp, path)
    return path


def finish_document(connection, doc_id: str, state: str, confidence: float | None = None) -> None:
    """Record a document's final state in Redis and let it be enqueued again."""
    with connection.pipeline() as pipe:
        pipe.hset(DOCSTATE_KEY, doc_id, state)
        if confidence is not None:
            pipe.hset(metrics.CONFIDENCE_KEY, doc_id, confidence)
        else:
            pipe.hdel(metrics.CONFIDENCE_KEY, doc_id)
        pipe.delete(ACTIVE_KEY.format(doc_id))
        pipe.execute()


def _stage(name: str) -> Callable[[F], F]:
    """Only transient errors propagate to RQ's retries; any other error fails the job for good with a reason."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (*TRANSIENT, StageFailed):
                raise
            except JobTimeoutException:
                seconds = get_current_job().timeout
                _give_up(stage_problem(name, ProcessingFailed(f"took longer than its time limit ({seconds} s)",
                                                              "r_job_timeout", seconds=seconds)))
            except NotFound as exc:
                _give_up(stage_problem(name, exc, " (the document was deleted, or this worker uses another store: "
                                       "check its RECORDS_HOME / RECORDS_S3_*)", "r_then_other_store"))
            except RecordsError as exc:
                _give_up(stage_problem(name, exc))
            except Exception as exc:  # a bug or a library crash on odd input: record it, do not retry it
                log.exception("%s job failed", name)
                _give_up(stage_problem(name, crash_problem(exc)))

        return run  # type: ignore[return-value]

    return decorate


@_stage("start")
def start_job(doc_id: str) -> str:
    """First job of a document: fetch and validate the original, count pages, enqueue page and assemble jobs (or,
    for a one-page document, read the page and assemble the document right here)."""
    started = time.monotonic()
    connection = get_current_job().connection
    backends = open_backends()
    scratch = Path(tempfile.mkdtemp(prefix=".start-", dir=cache_dir()))
    try:
        try:
            works = start_document(backends, doc_id, scratch)
        except (*TRANSIENT, NotFound):
            raise
        except RecordsError as exc:
            fail(backends, doc_id, exc.reason, exc.message)
            finish_document(connection, doc_id, "failed")
            _log("start", doc_id, started, error=exc.reason)
            return "failed"
        manifest = load_manifest(backends, doc_id)
        local = scratch / f"{doc_id}.{manifest.original.ext}"
        if local.exists():
            os.replace(local, cache_dir() / local.name)  # the page jobs on this machine need not fetch it again
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not works:
        fail(backends, doc_id, "the file has no pages", keyed("r_file_no_pages"))
        finish_document(connection, doc_id, "failed")
        return "failed"
    connection.hset(DOCSTATE_KEY, doc_id, "processing")
    if len(works) == 1:
        # A one-page document is one job: its page and assembly run here, not as two more jobs (three Redis round
        # trips, two forks and a dependency wait for no parallelism to gain).
        first = works[0]
        try:
            local = _original(backends, doc_id, manifest.original.ext, manifest.original.size)
            with _page_time_limit():
                _read_and_store(connection, backends, doc_id, local, 1, first.kind, first.lang, first.max_pixels)
            _log("start", doc_id, started, pages=1, jobs=0)
            return _assemble_and_finish(connection, backends, doc_id, 1, time.monotonic())
        finally:
            backends.close()
    group = pages_per_job()
    first = works[0]
    args = [(n, min(n + group - 1, len(works)), first.kind, first.lang, first.max_pixels, manifest.original.ext,
             manifest.original.size) for n in range(1, len(works) + 1, group)]
    RQQueue(connection).enqueue_pages(doc_id, len(works), args)
    _log("start", doc_id, started, pages=len(works), jobs=len(args))
    return "started"


@_stage("page")
def page_job(doc_id: str, first: int, last: int, kind: str, lang: str, max_pixels: int, ext: str, size: int) -> int:
    """OCR pages first..last (1-based) of a document and store their results. Returns the number of pages."""
    connection = get_current_job().connection
    backends = open_backends()
    local = _original(backends, doc_id, ext, size)
    for number in range(first, last + 1):
        _read_and_store(connection, backends, doc_id, local, number, kind, lang, max_pixels)
    return last - first + 1


@contextlib.contextmanager
def _page_time_limit() -> Iterator[None]:
    """This worker's page time limit (RECORDS_PAGE_TIMEOUT) on a page read inside a start job, whose own limit was
    set by the process that enqueued it; the job's limit runs on afterwards. (Signals reach Python between calls:
    a read in libtesseract is stopped by its own limit, ocr.tesseract.OCR_TIMEOUT_S, or when it returns.)"""

    def expired(signum, frame) -> NoReturn:
        raise JobTimeoutException(f"page read exceeded {page_timeout()} s")

    previous = signal.signal(signal.SIGALRM, expired)
    job_left = signal.alarm(page_timeout())
    started = time.monotonic()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        if job_left:
            signal.alarm(max(1, round(job_left - (time.monotonic() - started))))


def _read_and_store(connection, backends: Backends, doc_id: str, local: Path, number: int, kind: str, lang: str,
                    max_pixels: int) -> None:
    """OCR page `number` (1-based) and store its results; a permanent failure fails the job with the page's reason."""
    started = time.monotonic()
    try:
        page = ocr_page(PageWork(doc_id, str(local), kind, number - 1, lang, max_pixels))
        summary = store_page(backends, doc_id, page)
    except TRANSIENT:
        raise
    except JobTimeoutException:
        _give_up(page_problem(number, ProcessingFailed(
            f"OCR took longer than {page_timeout()} s (a huge or damaged page?); rescan it at a lower resolution",
            "r_page_timeout", seconds=page_timeout())))
    except RecordsError as exc:
        _give_up(page_problem(number, exc))
    except MemoryError:
        _give_up(page_problem(number, ProcessingFailed(
            "out of memory (a very large page?); rescan at a lower resolution", "r_out_of_memory")))
    except Exception as exc:  # a bug or a library crash on odd input: record it, do not retry it
        log.exception("page %s of %s failed", number, doc_id)
        _give_up(page_problem(number, crash_problem(exc)))
    metrics.page_done(connection, doc_id, number)
    _log("page", doc_id, started, page=number, confidence=summary.confidence)


def _assemble_and_finish(connection, backends: Backends, doc_id: str, page_count: int, started: float) -> str:
    """Assemble a document whose pages are all stored and record its final state; returns that state."""
    try:
        manifest = assemble(backends, doc_id, page_count)
    except TRANSIENT:
        raise
    except RecordsError as exc:
        fail(backends, doc_id, exc.reason, exc.message)
        finish_document(connection, doc_id, "failed")
        return "failed"
    except Exception as exc:
        log.exception("assembling %s failed", doc_id)
        problem = assemble_problem(exc)
        fail(backends, doc_id, problem.reason, problem.message)
        finish_document(connection, doc_id, "failed")
        return "failed"
    finish_document(connection, doc_id, "processed", manifest.metadata.ocr_confidence)
    (cache_dir() / f"{doc_id}.{manifest.original.ext}").unlink(missing_ok=True)
    _log("assemble", doc_id, started, pages=page_count)
    return "processed"


@_stage("assemble")
def assemble_job(doc_id: str, page_count: int) -> str:
    """Last job of a document, run once all its page jobs are final: assemble it, or fail it with the reasons
    of its failed pages."""
    started = time.monotonic()
    job = get_current_job()
    connection = job.connection
    backends = open_backends()
    try:
        page_jobs = Job.fetch_many(job.dependency_ids, connection=connection)
        unfinished = [(job_id, j) for job_id, j in zip(job.dependency_ids, page_jobs, strict=True)
                      if j is None or j.get_status() != JobStatus.FINISHED]
        if unfinished:
            lost = "job lost (expired); run `records retry`"
            problem = joined(
                [job_message(j) if j is not None else keyed("r_job_lost", job=job_id) for job_id, j in unfinished],
                [job_reason(j) if j is not None else f"{job_id}: {lost}" for job_id, j in unfinished])
            fail(backends, doc_id, problem.reason, problem.message)
            finish_document(connection, doc_id, "failed")
            _log("assemble", doc_id, started, error=problem.reason)
            return "failed"
        return _assemble_and_finish(connection, backends, doc_id, page_count, started)
    finally:
        backends.close()


def max_abandoned() -> int:
    """How often a job may lose its worker before it fails (RECORDS_MAX_ABANDONED, default 10)."""
    return int(os.environ.get("RECORDS_MAX_ABANDONED") or 10)


def on_job_failure(job: Job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback of every job (also for jobs whose worker died). Counts retries; on a final failure of
    a start or assemble job, fails the document with the reason (failed pages are reported by their assemble job).
    """
    abandoned = exc_type is not None and exc_type.__name__ == "AbandonedJobError"
    if abandoned:
        # A worker killed under the job says nothing about the job: its re-run is not charged to the retries kept
        # for backend outages, up to max_abandoned() times (a job that kills every worker still ends failed).
        count = int(job.meta.get("abandoned", 0)) + 1
        job.meta["abandoned"] = count
        job.save_meta()
        if count <= max_abandoned():
            job.retries_left = (job.retries_left or 0) + 1
    if job.retries_left:
        if abandoned and job.retry_intervals:
            # A dead worker is no backend outage: re-run now (which needs no scheduler, whose holder may be the
            # dead worker), keeping the backoff for later transient errors.
            intervals = list(job.retry_intervals)
            intervals[max(len(intervals) - job.retries_left, 0)] = 0
            job.retry_intervals = intervals
        connection.incr(metrics.RETRIED_KEY)
        log.warning(json.dumps({"event": "retry", "job": job.id, "error": f"{exc_type.__name__}: {exc_value}",
                                "retries_left": job.retries_left}))
        return
    reason, message = job.meta.get("reason"), job.meta.get("reason_message")
    if not reason:
        if abandoned:
            what = ProcessingFailed("the worker running it stopped (killed or lost) too many times", "r_worker_lost")
        elif exc_type is not None and issubclass(exc_type, JobTimeoutException):
            what = ProcessingFailed("it took too long", "r_too_long")
        elif isinstance(exc_value, RecordsError):
            what = exc_value
        else:
            what = ProcessingFailed(str(exc_value))
        stage = stage_of_job(job.id) or "job"
        retried = " after 3 retries; run `records retry` when the cause is fixed" if job.retry_intervals else ""
        problem = stage_problem(stage, what, retried, "r_then_retry" if retried else None)
        reason, message = problem.reason, problem.message
        job.meta["reason"], job.meta["reason_message"] = reason, message
        job.save_meta()
    connection.incr(metrics.JOBS_FAILED_KEY)
    doc_id = doc_of_job(job.id)
    if doc_id is None or stage_of_job(job.id) not in ("start", "assemble"):
        return
    try:
        backends = open_backends()
        try:
            fail(backends, doc_id, reason, message)
        finally:
            backends.close()
    except Exception:  # the store itself may be what is down; Redis still shows the failed job and its reason
        log.exception("could not record the failure of %s in its manifest", doc_id)
    finish_document(connection, doc_id, "failed")
