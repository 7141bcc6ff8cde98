"""`records verify`: re-hash every stored original and derivative against the sha256 recorded when it was stored,
check that every searchable manifest is indexed and every index entry has a manifest; with `repair`, re-derive
damaged derivatives from the original and bring the index in line. A damaged original is only ever reported."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from documents.errors import NotFound, RecordsError
from documents.model import Manifest, manifest_key
from integrity.checks import Problem, check_derivatives, check_original, should_be_indexed

log = logging.getLogger("records.verify")


@dataclass
class VerifyReport:
    """`{"checked": N, "ok": bool, "problems": [{"id", "object", "problem"}]}`; ok when nothing is left unmended."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    unhashed: int = 0  # documents stored before derivative hashes were recorded (their derivatives not compared)

    @property
    def ok(self) -> bool:
        """True when every problem found (if any) was repaired."""
        return all(p.repaired for p in self.problems)

    def to_dict(self) -> dict:
        """JSON view."""
        return {"checked": self.checked, "ok": self.ok, "problems": [p.to_dict() for p in self.problems],
                "unhashed": self.unhashed}


def verify_store(backends, *, repair: bool = False, on_document: Callable[[str], None] | None = None
                 ) -> VerifyReport:
    """Check (and with `repair`, mend) every document in the store and the index against it."""
    report = VerifyReport()
    try:
        indexed = set(backends.index.ids())
    except NotImplementedError:
        indexed = None
    in_store: set[str] = set()
    for doc_id in backends.store.document_ids():
        in_store.add(doc_id)
        report.checked += 1
        if on_document:
            on_document(doc_id)
        report.problems += _verify_document(backends, doc_id, indexed, repair, report)
    for key in backends.store.list("documents/"):
        parts = key.split("/")
        if len(parts) == 3 and parts[1] not in in_store and parts[2].startswith("original."):
            # an ingest stopped between storing the original and its manifest (store or disk failed, process
            # killed): never acknowledged, invisible to users; the same ingest again completes it
            problem = Problem(parts[1], parts[2], "stored original without a manifest (an ingest was interrupted "
                                                  "while storing it): ingest the file again, or --repair removes it")
            if repair:
                backends.store.delete(key)
                problem.repaired = True
            report.problems.append(problem)
    for doc_id in sorted((indexed or set()) - in_store):
        problem = Problem(doc_id, "index", "in the search index but the store has no manifest for it")
        if repair:
            backends.index.delete([doc_id])
            problem.repaired = True
        report.problems.append(problem)
    return report


def _verify_document(backends, doc_id: str, indexed: set[str] | None, repair: bool,
                     report: VerifyReport) -> list[Problem]:
    store = backends.store
    try:
        manifest = Manifest.from_dict(store.get_json(manifest_key(doc_id)))
    except (NotFound, ValueError, KeyError, TypeError) as exc:
        return [Problem(doc_id, "manifest.json", f"manifest unreadable ({exc}); restore it from a backup",
                        False if repair else None)]
    problems: list[Problem] = []
    original = check_original(store, manifest)
    if original is not None:
        original.repaired = False if repair else None
        problems.append(original)
    if manifest.status != "processed":
        return problems  # queued, processing or failed: no derivatives to compare yet (`records recover`)
    if manifest.pages and not any(p.sha256 for p in manifest.pages) and not manifest.derivatives:
        report.unhashed += 1
    bad = check_derivatives(store, manifest)
    problems += [p for p, _, _ in bad]
    index_problem = None
    if indexed is not None:
        wanted, present = should_be_indexed(manifest), doc_id in indexed
        if wanted and not present:
            index_problem = Problem(doc_id, "index", "processed but missing from the search index")
        elif present and not wanted:
            index_problem = Problem(doc_id, "index", f"in the search index although it is "
                                                     f"{'in the trash' if manifest.trashed else manifest.status}")
        if index_problem:
            problems.append(index_problem)
    if repair and (bad or index_problem):
        _repair(backends, manifest, bad, index_problem, original is not None)
    return problems


def _repair(backends, manifest: Manifest, bad, index_problem: Problem | None, original_damaged: bool) -> None:
    from integrity.repair import repair_document

    pages: dict[int, set[str]] = {}
    for _, number, what in bad:
        if number is not None:
            pages.setdefault(number, set()).add(what)
    whole = any(number is None for _, number, _ in bad)
    if pages and original_damaged:  # nothing sound to re-derive from: report, change nothing
        for problem, _, _ in bad:
            problem.repaired = False
            problem.problem += "; not re-derived: the original it would come from is damaged too"
        pages, whole = {}, False
    try:
        if index_problem is not None and not should_be_indexed(manifest):
            backends.index.delete([manifest.id])
            index_problem.repaired = True
            index_problem = None
        if pages or whole or index_problem is not None:
            repair_document(backends, manifest, pages, whole, reindex=index_problem is not None)
    except (RecordsError, OSError) as exc:
        log.warning("repair of %s failed: %s", manifest.id, exc)
        for problem, _, _ in bad:
            if problem.repaired is None:
                problem.repaired = False
                problem.problem += f"; repair failed: {exc}"
        if index_problem is not None:
            index_problem.repaired = False
        return
    for problem, _, _ in bad:
        if problem.repaired is None:
            problem.repaired = True
    if index_problem is not None:
        index_problem.repaired = True
