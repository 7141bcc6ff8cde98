"""The embedded queue: a pool of worker processes on this machine, one Tesseract thread each.

Pages of all accepted documents flow through one pool, so a batch of one-page scans keeps every core
busy. At most a few pages per core are in flight, which keeps memory flat on large batches.

A page is one unit of work in the pool: its process reads the page and stores its results, as an RQ page job does.
This process only hands out pages and assembles finished documents, on a thread of its own, so the pool never
waits for it (it used to store every page and assemble every document between handing out pages: the pool sat idle
behind those writes and index commits, 36 pages/min against 45 for two RQ workers). Documents that finish within
COMMIT_EVERY_SECONDS of each other are indexed in one commit (`_Assembler`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from documents.errors import ProcessingFailed, RecordsError
from documents.model import Manifest
from settings import Settings
from workers.allocator import keep_freed_memory
from workers.pipeline import Assembled, combine, fail, publish, store_page
from workers.queue import JobQueue, OnDone
from workers.reasons import assemble_problem, crash_problem, page_problem
from workers.services import Services
from workers.stages import PageWork, ocr_page, start_document

log = logging.getLogger("records.inprocess")
# Pages handed to the pool ahead of its processes: enough that they keep reading while this process stores an
# incoming document and counts its pages (its writes wait for the disk). A queued page is only its PageWork.
IN_FLIGHT_PER_WORKER = 4
# Documents finished within this long of each other are indexed in one commit (a tantivy commit costs about 0.02 CPU-s
# however many documents it holds); a document is reported processed up to this much later.
COMMIT_EVERY_SECONDS = 1.0
OpenServices = Callable[[Settings], Services]
_services: dict[Settings, Services] = {}  # per pool process: the backends its pages are stored with


def read_and_store(work: PageWork, open_services: OpenServices, settings: Settings) -> None:
    """In a pool process: read one page and store its results."""
    if settings not in _services:
        _services[settings] = open_services(settings)
    store_page(_services[settings], work.doc_id, ocr_page(work))


class InProcessQueue(JobQueue):
    """Processes documents synchronously in a local process pool (always waits)."""

    def __init__(self, workers: int, open_services: OpenServices) -> None:
        """`workers` processes; `open_services` (a module-level function: it is handed to them) opens the
        backends a pool process stores its pages with."""
        self.workers = max(1, workers)
        self.open_services = open_services

    def process(self, doc_ids: Iterable[str], backends: Services, *, wait: bool = True,
                on_done: OnDone | None = None) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # inherited by every Tesseract: one thread per page
        keep_freed_memory()  # inherited by the pool's processes: page buffers reused, not faulted in again
        scratch = Path(tempfile.mkdtemp(prefix="records-work-"))
        try:
            self._run(iter(doc_ids), backends, scratch, on_done or (lambda m: None))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _pages(self, doc_ids: Iterator[str], backends, scratch: Path, remaining: dict[str, int],
               totals: dict[str, int], on_done: OnDone) -> Iterator[PageWork]:
        """Page work for each document in turn; documents that cannot start are failed right here."""
        for doc_id in doc_ids:
            try:
                works = start_document(backends, doc_id, scratch)
            except RecordsError as exc:
                on_done(fail(backends, doc_id, exc.reason, exc.message))
                continue
            remaining[doc_id] = totals[doc_id] = len(works)
            yield from works

    def _run(self, doc_ids: Iterator[str], backends, scratch: Path, on_done: OnDone) -> None:
        remaining: dict[str, int] = {}
        totals: dict[str, int] = {}
        failed: set[str] = set()
        works = self._pages(doc_ids, backends, scratch, remaining, totals, on_done)
        from ocr.tesseract import preload

        preload()  # the pool's processes, forked from this one, share the models instead of each loading them
        pool = ProcessPoolExecutor(max_workers=self.workers)
        assembler = _Assembler(backends)
        pending: dict[Future, PageWork] = {}
        try:
            while True:
                while len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
                    work = next(works, None)
                    if work is None:
                        break
                    pending[pool.submit(read_and_store, work, self.open_services,
                                                       backends.settings)] = work
                assembler.start_due(last=not pending)
                if not pending and assembler.idle:
                    break
                done, _ = wait([*pending, *assembler.running], timeout=assembler.wait_seconds(),
                               return_when=FIRST_COMPLETED)
                for future in done:
                    if future in assembler.running:  # on_done runs on this thread only (it writes the batch ledger)
                        for manifest in assembler.finished(future):
                            on_done(manifest)
                        continue
                    work = pending.pop(future)
                    if self._finish_page(future, work, backends, failed, on_done):
                        pool.shutdown(cancel_futures=True)
                        pool = ProcessPoolExecutor(max_workers=self.workers)
                    remaining[work.doc_id] -= 1
                    if remaining[work.doc_id] == 0:
                        if work.doc_id not in failed:
                            assembler.add(work.doc_id, totals[work.doc_id], Path(work.path))
                        else:
                            Path(work.path).unlink(missing_ok=True)
                        del remaining[work.doc_id], totals[work.doc_id]
                        failed.discard(work.doc_id)
        finally:
            pool.shutdown(cancel_futures=True)
            assembler.shutdown()

    @staticmethod
    def _finish_page(future: Future, work: PageWork, backends, failed: set[str], on_done: OnDone) -> bool:
        """Fail the document of a page that failed. Returns True when the pool broke and must be replaced."""
        if work.doc_id in failed:
            return False
        try:
            future.result()
            return False
        except RecordsError as exc:
            problem, broken = page_problem(work.index + 1, exc), False
        except BrokenProcessPool:
            problem, broken = ProcessingFailed(
                f"page {work.index + 1}: the OCR process died (out of memory on a very large page?); rescan at a "
                "lower resolution", "r_page_ocr_died", page=work.index + 1), True
        except Exception as exc:  # a bug or a library crash on odd input; record it, keep the batch going
            log.exception("page %s of %s failed", work.index + 1, work.doc_id)
            problem, broken = page_problem(work.index + 1, crash_problem(exc)), False
        failed.add(work.doc_id)
        on_done(fail(backends, work.doc_id, problem.reason, problem.message))
        return broken


class _Assembler:
    """Assembles documents whose pages are stored, on a thread of its own (one index writer), several at a time: the
    documents that finished while it waited are indexed in one commit (`workers.pipeline.publish`). It waits up to
    COMMIT_EVERY_SECONDS for more after the first, except when no page is left to read."""

    def __init__(self, backends: Services) -> None:
        self.backends = backends
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="records-assemble")
        self.ready: list[tuple[str, int, Path]] = []
        self.first_ready = 0.0
        self.running: set[Future] = set()

    @property
    def idle(self) -> bool:
        """Nothing waiting and nothing being assembled."""
        return not self.ready and not self.running

    def add(self, doc_id: str, pages: int, original: Path) -> None:
        """A document whose pages are all stored."""
        if not self.ready:
            self.first_ready = time.monotonic()
        self.ready.append((doc_id, pages, original))

    def wait_seconds(self) -> float | None:
        """How long the caller may wait for pages before `start_due` must run again (None: no limit)."""
        if not self.ready or self.running:
            return None
        return max(0.0, self.first_ready + COMMIT_EVERY_SECONDS - time.monotonic())

    def start_due(self, *, last: bool) -> None:
        """Start assembling the waiting documents when the batch is due (`last`: no page is left to read)."""
        if self.ready and not self.running and (last or self.wait_seconds() == 0):
            self.running.add(self.thread.submit(self._assemble, self.ready))
            self.ready = []

    def finished(self, future: Future) -> list[Manifest]:
        """The manifests, processed or failed, of a finished batch."""
        self.running.discard(future)
        return future.result()

    def shutdown(self) -> None:
        self.thread.shutdown(cancel_futures=True)

    def _assemble(self, batch: list[tuple[str, int, Path]]) -> list[Manifest]:
        out: list[Manifest] = []
        combined: list[Assembled] = []
        for doc_id, pages, original in batch:
            try:
                combined.append(combine(self.backends, doc_id, pages))
            except Exception as exc:  # recorded as the document's failure, with its reason
                out.append(self._failed(doc_id, exc))
            finally:
                original.unlink(missing_ok=True)
        try:
            publish(self.backends, combined)
            return out + [done.manifest for done in combined]
        except Exception as exc:
            if len(combined) == 1:
                return [*out, self._failed(combined[0].manifest.id, exc)]
            log.warning("indexing %d documents at once failed (%s); indexing them one by one", len(combined), exc)
        for done in combined:  # each on its own, so that each gets its own outcome
            try:
                publish(self.backends, [done])
                out.append(done.manifest)
            except Exception as exc:  # recorded as the document's failure, with its reason
                out.append(self._failed(done.manifest.id, exc))
        return out

    def _failed(self, doc_id: str, exc: Exception) -> Manifest:
        """Record why assembling a document failed; its failed manifest."""
        if isinstance(exc, RecordsError):
            return fail(self.backends, doc_id, exc.reason, exc.message)
        log.error("assembling %s failed", doc_id, exc_info=exc)
        problem = assemble_problem(exc)
        return fail(self.backends, doc_id, problem.reason, problem.message)
