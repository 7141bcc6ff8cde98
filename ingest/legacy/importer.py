"""Run an import: walk the tree, accept each file with its manifest row, queue it, journal every state change.

Resume rules (the journal is keyed by the absolute PATH and manifest path):
- a file in a final state (processed, duplicate, rejected) is skipped without being read again; a file that
  `failed` is tried again (its cause, e.g. a missing program or a full disk, may have been fixed);
- a file journaled `queued` is looked up in the store: finished there -> its final state is journaled,
  otherwise its id is queued again (jobs are idempotent);
- a file not journaled yet is accepted; if `accept_file` calls it a duplicate of a document that this very
  import (same batch id) processed, the journal lost that change in a crash and the file is `processed`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from documents.errors import NotFound, RejectedInput
from documents.model import Manifest, manifest_key
from ingest import ledger
from ingest.intake import IngestOptions, accept_file
from ingest.legacy.agencies import check_agency, known_agencies
from ingest.legacy.dossiers import dossier_id, write_dossier
from ingest.legacy.fields import ManifestRow
from ingest.legacy.journal import FINAL, FileRecord, Journal, JournalSeen, journal_path
from ingest.legacy.manifest import file_sha256, open_manifest, parsed_rows
from ingest.legacy.manifest_wins import APPLIED, apply_rows, wins_over
from ingest.legacy.manifest_wins import reason as wins_reason
from ingest.legacy.paths import relative_to_root
from ingest.sources import InputFile, expand

NOT_IN_MANIFEST = "not in the manifest: imported with extracted metadata only"
DOSSIER_FLUSH_EVERY = 500  # accepted files between rewrites of the dossiers' document lists

OnFile = Callable[[str, str], None]  # (relative path, final state) as each file reaches one in this run


@dataclass
class ImportOptions:
    """What to import and how. Everything here is fixed for the life of an import (checked on resume)."""

    root: Path
    manifest: Path
    agency: str
    visibility: str = "private"
    shared_with: list[str] = field(default_factory=list)
    lang: str = "auto"
    dossier_per_folder: bool = False

    def fingerprint(self) -> str:
        """The options a resumed run must repeat."""
        return json.dumps({"agency": self.agency, "visibility": self.visibility,
                           "shared_with": sorted(self.shared_with), "lang": self.lang,
                           "dossier_per_folder": self.dossier_per_folder}, sort_keys=True)


@dataclass
class ImportSummary:
    """Where an import stands. `counts` covers every file met so far, this run and earlier ones."""

    journal: Path
    batch: str
    counts: dict[str, int]
    not_in_manifest: int
    missing: int
    manifest_problems: int
    resumed: bool
    done_before: int  # files already final when this run started

    @property
    def files(self) -> int:
        """Files met in the walk (every one in exactly one state)."""
        return sum(self.counts.values())


def check_root(root: Path) -> Path:
    """The import root as an absolute path; a folder or a zip file."""
    if not root.exists():
        raise RejectedInput(f"{root} does not exist")
    return root.resolve()


def run_import(opts: ImportOptions, backends, *, on_file: OnFile | None = None,
               on_start: Callable[[ImportSummary], None] | None = None) -> ImportSummary:
    """Import (or resume importing) `opts.root` with `opts.manifest`; returns the summary when every file is final.

    `on_start` receives the summary before the walk (to size a progress bar); `on_file` each file as it ends.
    """
    root = check_root(opts.root)
    IngestOptions(agency=opts.agency, visibility=opts.visibility, shared_with=opts.shared_with,
                  lang=opts.lang).validate()
    known = known_agencies(backends.settings)
    check_agency(opts.agency, known)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with Journal(journal_path(backends.settings.home, root, opts.manifest)) as journal:
        resumed = _prepare(journal, opts, known)
        summary = _summary(journal, resumed)
        if on_start:
            on_start(summary)
        _Run(journal, opts, root, backends, on_file or (lambda p, s: None)).go()
        summary = _summary(journal, resumed, done_before=summary.done_before)
    return summary


def _prepare(journal: Journal, opts: ImportOptions, known: frozenset[str] | None) -> bool:
    """Start a new journal or check a resumed one; (re)load the manifest rows when needed. True when resuming."""
    fingerprint = opts.fingerprint()
    stored = journal.get_meta("options")
    resumed = stored is not None
    if stored is not None and stored != fingerprint:
        raise ValueError(f"this import was started with other options ({stored}); run it with the same options, "
                         f"or delete {journal.path} to start over")
    if stored is None:
        journal.set_meta("root", str(opts.root.resolve()))
        journal.set_meta("manifest", str(opts.manifest.resolve()))
        journal.set_meta("batch", ledger.new_batch_id())
        journal.set_meta("options", fingerprint)
    else:
        journal.reset_failures()
    sha = file_sha256(opts.manifest)
    if journal.get_meta("manifest_sha256") != sha:
        journal.load_rows(parsed_rows(open_manifest(opts.manifest), known))
        if journal.get_meta("manifest_sha256") is not None:
            journal.reset_manifest_rejections()  # the manifest was corrected: try those files again
        journal.set_meta("manifest_sha256", sha)
    return resumed


def _summary(journal: Journal, resumed: bool, done_before: int | None = None) -> ImportSummary:
    return ImportSummary(journal=journal.path, batch=journal.get_meta("batch") or "", counts=journal.counts(),
                         not_in_manifest=journal.not_in_manifest_count(),
                         missing=sum(1 for _ in journal.missing_rows()),
                         manifest_problems=sum(1 for _ in journal.problems()) + sum(1 for _ in journal.row_errors()),
                         resumed=resumed, done_before=journal.final_count() if done_before is None else done_before)


def _stored_manifest(backends, doc_id: str) -> Manifest | None:
    try:
        return Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))
    except NotFound:
        return None


class _Run:
    """One pass over the tree (a fresh import or a resumed one)."""

    def __init__(self, journal: Journal, opts: ImportOptions, root: Path, backends, on_file: OnFile) -> None:
        self.journal, self.opts, self.root, self.backends, self.on_file = journal, opts, root, backends, on_file
        self.batch = journal.get_meta("batch") or ""
        self.seen = JournalSeen(journal)
        self.touched: set[str] = set()  # dossiers whose lists changed since the last flush
        self.since_flush = 0

    def go(self) -> None:
        with expand([self.root], self.backends.settings.max_file_bytes) as inputs:
            self.backends.queue.process(self._doc_ids(inputs), self.backends, wait=True, on_done=self._done)
        self._flush_dossiers(everything=True)
        self._manifest_wins()

    def _manifest_wins(self) -> None:
        """Apply the rows of listed duplicates noted APPLIED (every run: a crash before this is mended on resume)."""
        pending = []
        for f in self.journal.files():
            if f.status == "duplicate" and f.note == APPLIED and f.duplicate_of:
                row = self.journal.row_for(f.path)
                if row is not None and row.supplied:
                    pending.append((f.duplicate_of, row.line, dict(row.supplied)))
        apply_rows(self.backends, pending)

    def _doc_ids(self, inputs: Iterator[InputFile]) -> Iterator[str]:
        """The ids to process, consumed lazily by the queue: at most a few files are in flight at once."""
        prefix = str(self.root)
        for item in inputs:
            rel = relative_to_root(item.display, prefix)
            record = self.journal.file(rel)
            if record is not None and record.status in FINAL:
                continue
            doc_id = self._requeue(record) if record is not None and record.status == "queued" else False
            if doc_id is False:
                doc_id = self._accept(item, rel)
            if doc_id is not None:
                yield doc_id
            if self.since_flush >= DOSSIER_FLUSH_EVERY:
                self._flush_dossiers()

    def _requeue(self, record: FileRecord) -> str | bool | None:
        """A file queued by an interrupted run: finished meanwhile (None), or its id to process again.

        False when the store has no manifest for it (it was lost): the file is then accepted from scratch.
        """
        manifest = _stored_manifest(self.backends, record.doc_id or "")
        if manifest is None:
            return False
        if manifest.status in ("processed", "failed"):
            self._reindex(manifest)
            self._done(manifest)
            return None
        if record.dossier:
            self.touched.add(record.dossier)
        return record.doc_id

    def _accept(self, item: InputFile, rel: str) -> str | None:
        row = self.journal.row_for(rel)
        line = row.line if row else None
        note = None if row else NOT_IN_MANIFEST
        if item.local is None:
            self._final(rel, "rejected", line=line, reason=item.error, note=note and "not in the manifest")
            return None
        if row is not None and row.errors:
            self._final(rel, "rejected", line=line, reason=f"manifest line {row.line}: " + "; ".join(row.errors),
                        manifest_error=True)
            return None
        options, dossier, title = self._options(rel, row)
        if dossier is not None and not self.journal.dossier_written(dossier):
            # written before any of its documents is processed, so the index picks up the dossier title
            write_dossier(self.backends.store, dossier, title or dossier, options.agency, [])
            self.journal.add_dossier(dossier, title or dossier, options.agency)
        entry = accept_file(item, options, self.backends, self.batch, self.seen,
                            supplied=dict(row.supplied) if row else None)
        status, duplicate_of = entry.status, entry.duplicate_of
        if status == "duplicate" and entry.id and entry.id not in self.seen:
            stored = _stored_manifest(self.backends, entry.id)
            if stored is not None and stored.batch == self.batch:
                status, duplicate_of = "processed", None  # ours: processed before the journal heard of it
                self._reindex(stored)
        reason = entry.error
        if status == "duplicate":
            holder = self.journal.first_holder(entry.id) if entry.id in self.seen else None
            reason = (f"same content as {holder.path}" if holder is not None
                      else "already in the archive (same content, same agency)")
            if row is not None and row.supplied and wins_over(
                    holder.line if holder is not None else None,
                    None if holder is not None else _stored_manifest(self.backends, entry.id or "")):
                reason, note = wins_reason(holder.path if holder else None, row.line), APPLIED
        self.since_flush += 1
        if dossier is not None and status in ("queued", "processed", "duplicate"):
            self.touched.add(dossier)
        if status == "queued":
            self.journal.record(rel, status="queued", line=line, doc_id=entry.id, pages=entry.pages,
                                dossier=dossier, note=note)
            return entry.id
        if status in ("rejected", "failed") and note:
            note = "not in the manifest"
        self._final(rel, status, line=line, doc_id=entry.id, reason=reason, pages=entry.pages,
                    duplicate_of=duplicate_of, dossier=dossier, note=note)
        return None

    def _reindex(self, manifest: Manifest) -> None:
        """Index a document finished by an interrupted run: the process may have died between saving its
        manifest and indexing it (the upsert is idempotent)."""
        if manifest.status == "processed":
            from workers.pipeline import index_document

            index_document(self.backends, manifest)

    def _options(self, rel: str, row: ManifestRow | None) -> tuple[IngestOptions, str | None, str | None]:
        """This file's ingest options (row values over command-line defaults), its dossier id and title."""
        opts = self.opts
        visibility = (row.visibility if row else None) or opts.visibility
        shared = (row.shared_with if row else None) or opts.shared_with
        name = row.dossier if row else None
        title = row.dossier_title if row else None
        if name is None and opts.dossier_per_folder:
            folder = str(PurePosixPath(rel).parent)
            name = None if folder == "." else folder
        dossier = dossier_id(name) if name else None
        options = IngestOptions(
            agency=(row.agency if row else None) or opts.agency, visibility=visibility,
            shared_with=list(shared) if visibility == "shared" else [],
            lang=(row.supplied.get("language") if row else None) or opts.lang,
            dossier=dossier, tags=list(row.tags) if row else [],
        )
        return options, dossier, title or name

    def _final(self, rel: str, status: str, **fields) -> None:
        self.journal.record(rel, status=status, **fields)
        self.on_file(rel, status)

    def _done(self, manifest: Manifest) -> None:
        """The queue finished a document: every file that queued it takes its final state."""
        status = manifest.status if manifest.status in ("processed", "failed") else "failed"
        reason = manifest.error if status == "failed" else None
        paths = self.journal.queued_paths(manifest.id)
        self.journal.finish(manifest.id, status, reason or ("not processed" if status == "failed" else None),
                            len(manifest.pages))
        for path in paths:
            self.on_file(path, status)

    def _flush_dossiers(self, everything: bool = False) -> None:
        """Rewrite the document lists of dossiers that changed (all of this import's at the end)."""
        for dossier, title, agency in (self.journal.dossiers() if everything else
                                       (self.journal.dossier(d) for d in sorted(self.touched))):
            write_dossier(self.backends.store, dossier, title, agency, self.journal.dossier_documents(dossier))
        self.touched.clear()
        self.since_flush = 0
