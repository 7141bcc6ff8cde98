"""Ingest: accept input files into the store (original first, durably), then hand them to the queue."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from documents.errors import NotFound, ProcessingFailed, RecordsError, RejectedInput, keyed
from documents.model import (
    VISIBILITIES,
    Manifest,
    OriginalFile,
    document_id,
    manifest_key,
    open_flags,
    original_key,
)
from ingest import ledger
from ingest.ledger import BatchResult, LedgerEntry
from ingest.sniff import sniff
from ingest.sources import InputFile, expand

SAVE_EVERY_SECONDS = 1.0
LANGS = ("auto", "vie", "eng", "fra", "urd", "ara", "vie+eng", "eng+fra")


@dataclass
class IngestOptions:
    """How a batch is ingested: owner, visibility, language, and where it belongs."""

    agency: str
    visibility: str = "private"
    shared_with: list[str] = field(default_factory=list)
    lang: str = "auto"
    wait: bool = True
    dossier: str | None = None
    tags: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Raise ValueError with a user-facing message for bad options."""
        if not self.agency or not self.agency.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise ValueError("agency must be a short name of letters, digits, '-', '_' or '.'")
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
        if self.lang not in LANGS:
            raise ValueError(f"--lang must be one of {', '.join(LANGS)}")
        if self.visibility == "shared" and not self.shared_with:
            raise ValueError("visibility 'shared' needs the agencies to share with (--share-with)")


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def accept_file(item: InputFile, options: IngestOptions, backends, batch_id: str,
                seen: dict[str, LedgerEntry], supplied: dict | None = None) -> LedgerEntry:
    """Store one input's original and manifest (status `queued`), or say why not.

    The original is durably written before the manifest; only then is the file acknowledged.
    Already-processed content of the same agency is a `duplicate`; a previously failed or interrupted
    one is queued again (jobs are idempotent).
    """
    entry = LedgerEntry(path=item.display)
    if item.local is None:
        entry.set_error("rejected", item.error, item.message)
        return entry
    try:
        size = item.local.stat().st_size
        if size > backends.settings.max_file_bytes:
            raise RejectedInput(f"file too large ({size} bytes; the limit is {backends.settings.max_file_bytes})",
                                "r_too_large", size=size, limit=backends.settings.max_file_bytes)
        kind = sniff(item.local)
        if kind.kind == "zip":
            raise RejectedInput("archive inside an archive: unzip the inner archive and add its files instead",
                                "r_nested_zip")
        sha, size = _sha256(item.local)
        doc_id = document_id(sha, options.agency)
        entry.id = doc_id
        if doc_id in seen:
            entry.status, entry.duplicate_of = "duplicate", doc_id
            entry.pages = seen[doc_id].pages
            return entry
        existing = _existing(backends, doc_id)
        if existing is not None and existing.status == "processed":
            entry.status, entry.duplicate_of, entry.pages = "duplicate", doc_id, len(existing.pages)
            return entry
        from ocr import count_pages  # validates the file can be opened as a document

        entry.pages = count_pages(item.local, kind.kind, max_pixels=backends.settings.max_pixels,
                                  max_pages=backends.settings.max_pages)
        backends.store.put_file(original_key(doc_id, kind.ext), item.local)
        manifest = Manifest(
            id=doc_id, agency=options.agency,
            original=OriginalFile(filename=Path(item.display).name, kind=kind.kind, ext=kind.ext, size=size,
                                  sha256=sha),
            visibility=options.visibility,
            shared_with=sorted(set(options.shared_with)) if options.visibility == "shared" else [],
            lang=options.lang, batch=batch_id, dossier=options.dossier, tags=list(options.tags),
            supplied=dict(supplied or {}),
        )
        if existing is not None:
            manifest.created_at = existing.created_at
        try:
            backends.store.put_json(manifest_key(doc_id), manifest.to_dict())
        except (RecordsError, OSError):
            if existing is None:  # nothing half-written: an original without a manifest is taken back
                with contextlib.suppress(RecordsError, OSError):
                    backends.store.delete(original_key(doc_id, kind.ext))
            raise
        entry.status = "queued"
        seen[doc_id] = entry
    except RejectedInput as exc:
        entry.set_error("rejected", exc.reason, exc.message)
    except RecordsError as exc:
        entry.set_error("failed", exc.reason, exc.message)
    except OSError as exc:
        problem = _os_problem(exc)
        entry.set_error("failed", problem.reason, problem.message)
    return entry


def _os_problem(exc: OSError) -> ProcessingFailed:
    """A clerk's reason for a file that could not be read or stored."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ProcessingFailed("the archive's disk is full, so the file was not stored (nothing of it was kept): "
                                "free some space or ask an administrator, then ingest it again", "r_disk_full")
    return ProcessingFailed(f"could not read or store the file ({exc.strerror or exc})", "r_store_io",
                            detail=str(exc.strerror or exc))


def _existing(backends, doc_id: str) -> Manifest | None:
    try:
        return Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))
    except NotFound:
        return None


class _LedgerWriter:
    """Keeps the stored ledger current (throttled) so progress can be followed while the batch runs."""

    def __init__(self, store, result: BatchResult) -> None:
        self.store, self.result = store, result
        self.lock = threading.Lock()
        self.last = 0.0

    def touch(self, force: bool = False) -> None:
        with self.lock:
            now = time.monotonic()
            if force or now - self.last >= SAVE_EVERY_SECONDS:
                ledger.save(self.store, self.result)
                self.last = now


def ingest_paths(paths: list[Path], options: IngestOptions, backends, *, batch_id: str | None = None,
                 display_names: dict[Path, str] | None = None,
                 on_entry: Callable[[LedgerEntry], None] | None = None) -> BatchResult:
    """Ingest files, folders and zip archives as one batch; returns its ledger.

    `on_entry` is called whenever an entry changes state (accepted, then finished). With
    `options.wait` (always, in embedded mode) every entry ends in a final state.
    """
    options.validate()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    result = BatchResult(batch_id or ledger.new_batch_id())
    writer = _LedgerWriter(backends.store, result)
    writer.touch(force=True)
    names = {Path(k): v for k, v in (display_names or {}).items()}
    by_id: dict[str, list[LedgerEntry]] = {}
    notify = on_entry or (lambda e: None)

    def accepted(inputs: Iterator[InputFile]) -> Iterator[str]:
        seen: dict[str, LedgerEntry] = {}
        for item in inputs:
            item.display = _display(item.display, names)
            entry = accept_file(item, options, backends, result.batch, seen)
            result.documents.append(entry)
            notify(entry)
            writer.touch()
            if entry.status == "queued":
                by_id.setdefault(entry.id, []).append(entry)
                yield entry.id

    def done(manifest: Manifest) -> None:
        for entry in by_id.get(manifest.id, []):
            status = manifest.status if manifest.status in ("processed", "failed") else entry.status
            entry.set_error(status, manifest.error, manifest_message(manifest))
            entry.pages = len(manifest.pages) or entry.pages
            entry.flags = open_flags(manifest)
            notify(entry)
        writer.touch()

    with expand(list(paths), backends.settings.max_file_bytes) as inputs:
        backends.queue.process(accepted(inputs), backends, wait=options.wait, on_done=done)
    writer.touch(force=True)
    return result


def manifest_message(manifest: Manifest) -> dict | None:
    """The keyed message of the manifest's error, when it has one."""
    return keyed(manifest.error_key, **manifest.error_params) if manifest.error_key else None


def _display(display: str, names: dict[Path, str]) -> str:
    """Replace a temporary upload path by the name the user gave (for uploads through the API)."""
    for local, name in names.items():
        prefix = str(local)
        if display == prefix or display.startswith(prefix + "/"):
            return name + display[len(prefix):]
    return display


def batch_status(batch_id: str, backends) -> BatchResult:
    """The stored ledger of a batch, with queued entries brought up to date from their manifests."""
    result = ledger.load(backends.store, batch_id)
    for entry in result.documents:
        if entry.id and entry.status in ("queued", "processing"):
            manifest = _existing(backends, entry.id)
            if manifest is not None:
                entry.set_error(manifest.status, manifest.error, manifest_message(manifest))
                entry.pages = len(manifest.pages) or entry.pages
                entry.flags = open_flags(manifest)
    return result
