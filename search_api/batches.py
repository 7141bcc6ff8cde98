"""Running uploaded batches through ingest in the background and reporting their live progress.

Batches run one after another on a single background thread (each batch already uses every worker of the queue).
While a batch runs, its ledger entries are read live from ingest's `on_entry` callbacks; afterwards from the stored
ledger (`ingest.intake.batch_status`), which also follows documents still queued in distributed mode.
"""

from __future__ import annotations

import logging
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from catalog import Catalog
from catalog.batches import BatchRecord, finish_batch, get_batch, unfinished_batches
from documents.errors import NotFound, RecordsError, keyed
from ingest.outcome import outcome

log = logging.getLogger("records.api.batches")


class BatchRunner:
    """Owns the background thread that ingests received batches."""

    def __init__(self, backends, catalog: Catalog) -> None:
        self.backends, self.catalog = backends, catalog
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="records-batch")
        self._live: dict[str, list] = {}
        self._lock = threading.Lock()

    def submit(self, batch_id: str, paths: list[Path], names: dict[Path, str], options, spool: Path) -> None:
        """Queue the batch for ingest; returns at once."""
        with self._lock:
            self._live[batch_id] = []
        self._pool.submit(self._run, batch_id, paths, names, options, spool)

    def _run(self, batch_id: str, paths: list[Path], names: dict[Path, str], options, spool: Path) -> None:
        from ingest.intake import ingest_paths

        entries = self._live[batch_id]
        seen: set[int] = set()

        def on_entry(entry) -> None:
            with self._lock:
                if id(entry) not in seen:
                    seen.add(id(entry))
                    entries.append(entry)

        problem = None
        try:
            ingest_paths(paths, options, self.backends, batch_id=batch_id, display_names=names, on_entry=on_entry)
        except RecordsError as exc:
            problem = exc
        except ValueError as exc:
            problem = RecordsError(str(exc))
        except Exception as exc:
            log.exception("batch %s failed", batch_id)
            detail = f"{type(exc).__name__}: {exc}"
            problem = RecordsError(f"the batch could not be processed ({detail}); upload it again", "r_batch_crashed",
                                   detail=detail)
        finally:
            shutil.rmtree(spool, ignore_errors=True)
        if problem is None:
            finish_batch(self.catalog, batch_id)
        else:
            finish_batch(self.catalog, batch_id, problem.reason, problem.message)
        with self._lock:
            self._live.pop(batch_id, None)

    def resume(self, spool_root: Path) -> list[str]:
        """Re-submit batches that were acknowledged but not finished when the server stopped (their files are in
        the spool); batches whose files are gone are marked failed with a reason. Returns the resumed ids."""
        from ingest.intake import IngestOptions
        from search_api.uploads import spool_name

        resumed = []
        for record in unfinished_batches(self.catalog):
            spool = spool_root / record.id
            paths = [spool / spool_name(f.seq, f.name) for f in record.files]
            if not all(p.is_file() for p in paths):
                finish_batch(self.catalog, record.id, "the server stopped before this batch was stored; upload it "
                             "again", keyed("r_batch_lost"))
                continue
            o = record.options
            options = IngestOptions(agency=record.agency, visibility=o.get("visibility", "private"),
                                    shared_with=o.get("shared_with", []), lang=o.get("lang", "auto"),
                                    wait=o.get("wait", True), dossier=o.get("dossier"), tags=o.get("tags", []))
            self.submit(record.id, paths, {p: f.name for p, f in zip(paths, record.files, strict=True)}, options, spool)
            resumed.append(record.id)
        if resumed:
            log.warning("resuming %d unfinished upload batches: %s", len(resumed), ", ".join(resumed))
        return resumed

    def status(self, batch_id: str) -> dict[str, Any]:
        """The batch's owner, state, uploaded files and ledger entries (raises NotFound)."""
        record = get_batch(self.catalog, batch_id)
        with self._lock:
            live = self._live.get(batch_id)
            documents = [asdict(e) for e in live] if live is not None else None
        if documents is None:
            documents = self._stored(record)
        return _describe(record, documents)

    def _stored(self, record: BatchRecord) -> list[dict]:
        from ingest.intake import batch_status

        try:
            return [asdict(e) for e in batch_status(record.id, self.backends).documents]
        except NotFound:
            return []

    def close(self) -> None:
        """Wait for running batches and stop the thread."""
        self._pool.shutdown(wait=True, cancel_futures=False)


def _describe(record: BatchRecord, documents: list[dict]) -> dict[str, Any]:
    """Progress view: every uploaded file with the state of the document(s) it became."""
    final = ("processed", "duplicate", "rejected", "failed")
    counts: dict[str, int] = dict.fromkeys(final, 0)
    for d in documents:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    files = []
    for f in record.files:
        mine = [d for d in documents if d["path"] == f.name or d["path"].startswith(f.name + "/")]
        if mine:
            states = {d["status"] for d in mine}
            status = next((s for s in ("processing", "queued") if s in states), None) or (
                mine[0]["status"] if len(states) == 1 else "mixed")
        elif record.state == "failed":
            status = "failed"
        else:
            status = "received"
        files.append({"name": f.name, "size": f.size, "status": status, "documents": mine})
    done = record.state in ("done", "failed") and all(d["status"] in final for d in documents)
    # the exit-code convention of `records ingest` / `records import` (ingest/outcome.py), once the batch is done:
    # rejected uploads leave it `complete` (each file shows its reason); failed files or a failed batch: `attention`
    result = None
    if done:
        result = "attention" if record.state == "failed" else outcome(counts)
    return {"outcome": result, "exit_code": None if result is None else int(result == "attention"),
            "batch": record.id, "agency": record.agency, "user": record.user, "state": record.state,
            "error": record.error, "error_key": record.error_key, "error_params": record.error_params,
            "created_at": record.created_at, "finished_at": record.finished_at,
            "done": done, "files": files, "documents": documents, "counts": counts}
