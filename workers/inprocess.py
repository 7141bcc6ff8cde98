"""The embedded queue: a pool of worker processes on this machine, one Tesseract thread each.

Pages of all accepted documents flow through one pool, so a batch of one-page scans keeps every core
busy. At most a few pages per core are in flight, which keeps memory flat on large batches.

A page is one unit of work in the pool: its process reads the page and stores its results, as an RQ page job does.
This process only hands out pages and assembles finished documents, on a thread of its own, so the pool never
waits for it (it used to store every page and assemble every document between handing out pages: the pool sat idle
behind those writes and index commits, 36 pages/min against 45 for two RQ workers).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from documents.errors import ProcessingFailed, RecordsError
from documents.model import Manifest
from settings import Settings
from workers.allocator import keep_freed_memory
from workers.pipeline import assemble, fail, store_page
from workers.queue import JobQueue, OnDone
from workers.reasons import assemble_problem, crash_problem, page_problem
from workers.services import Services
from workers.stages import PageWork, ocr_page, start_document

log = logging.getLogger("records.inprocess")
# Pages handed to the pool ahead of its processes: enough that they keep reading while this process stores an
# incoming document and counts its pages (its writes wait for the disk). A queued page is only its PageWork.
IN_FLIGHT_PER_WORKER = 4
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
        assembler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="records-assemble")  # one index writer
        pending: dict[Future, PageWork] = {}
        assembling: set[Future] = set()
        try:
            while True:
                while len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
                    work = next(works, None)
                    if work is None:
                        break
                    pending[pool.submit(read_and_store, work, self.open_services,
                                                       backends.settings)] = work
                if not pending and not assembling:
                    break
                done, _ = wait([*pending, *assembling], return_when=FIRST_COMPLETED)
                for future in done:
                    if future in assembling:  # on_done runs on this thread only (it writes the batch ledger)
                        assembling.discard(future)
                        on_done(future.result())
                        continue
                    work = pending.pop(future)
                    if self._finish_page(future, work, backends, failed, on_done):
                        pool.shutdown(cancel_futures=True)
                        pool = ProcessPoolExecutor(max_workers=self.workers)
                    remaining[work.doc_id] -= 1
                    if remaining[work.doc_id] == 0:
                        if work.doc_id not in failed:
                            assembling.add(assembler.submit(self._assemble, backends, work.doc_id,
                                                            totals[work.doc_id], Path(work.path)))
                        else:
                            Path(work.path).unlink(missing_ok=True)
                        del remaining[work.doc_id], totals[work.doc_id]
                        failed.discard(work.doc_id)
        finally:
            pool.shutdown(cancel_futures=True)
            assembler.shutdown(cancel_futures=True)

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

    @staticmethod
    def _assemble(backends, doc_id: str, pages: int, original: Path) -> Manifest:
        """Assemble a document whose pages are stored (on the assembler thread); its manifest, processed or
        failed."""
        try:
            return assemble(backends, doc_id, pages)
        except RecordsError as exc:
            return fail(backends, doc_id, exc.reason, exc.message)
        except Exception as exc:
            log.exception("assembling %s failed", doc_id)
            problem = assemble_problem(exc)
            return fail(backends, doc_id, problem.reason, problem.message)
        finally:
            original.unlink(missing_ok=True)
