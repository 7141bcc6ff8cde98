"""The manifest wins: a listed file whose content was first imported from an unlisted copy (or is already in the
archive without manifest metadata) gives the stored document its manifest row's metadata.

Without this the outcome depended on walk order: the unlisted copy became the document (extracted metadata only)
and the listed one a `duplicate`, its row's metadata lost. The listed file stays `duplicate` (one stored document
per content and agency), its report line says the row was applied, and the document's manifest records the change
as revisions through `changes.core.change_document` (the one path every edit takes).
"""

from __future__ import annotations

from dataclasses import asdict

from documents.errors import NotFound
from documents.model import Manifest, Metadata, manifest_key

APPLIED = "manifest metadata applied to the stored document"  # the report's note on the listed duplicate


def wins_over(holder_line: int | None, stored: Manifest | None) -> bool:
    """True when a listed duplicate's row should be applied: its first copy had no manifest row (`holder_line`
    None, this import) or the stored document carries no manifest metadata (an earlier ingest)."""
    if stored is not None:
        return not stored.supplied
    return holder_line is None


def reason(first_path: str | None, line: int) -> str:
    """The duplicate's reason in the report."""
    where = f"{first_path} (not in the manifest)" if first_path else "a document already in the archive"
    return f"same content as {where}; manifest line {line} was applied to the stored document"


def apply_rows(backends, pending: list[tuple[str, int, dict]]) -> int:
    """Apply each (doc_id, line, supplied) whose document is processed and lacks those values. Idempotent.

    Called after the queue finished (no worker is writing these manifests then). Returns documents changed.
    """
    if not pending:
        return 0
    from catalog import open_catalog
    from changes.core import Editor, change_document, revision
    from documents.access import LOCAL_ADMIN

    catalog = open_catalog(backends.settings)
    changed = 0
    try:
        editor = Editor(backends=backends, catalog=catalog, principal=LOCAL_ADMIN, client="import")
        for doc_id, line, supplied in pending:
            try:
                stored = Manifest.from_dict(backends.store.get_json(manifest_key(doc_id)))
            except NotFound:
                continue
            if stored.status != "processed" or stored.supplied == supplied:
                continue

            def mutate(manifest: Manifest, supplied: dict = supplied, line: int = line) -> list:
                made = []
                manifest.supplied = dict(supplied)
                for name, value in supplied.items():
                    if name not in Metadata.__dataclass_fields__ or value in (None, ""):
                        continue
                    before = asdict(manifest.metadata).get(name)
                    setattr(manifest.metadata, name, value)
                    manifest.metadata_source[name] = "manifest"
                    if before != value:
                        made.append(revision(editor, "import_manifest", field=name, before=before, after=value))
                return made

            change_document(editor, doc_id, "import_manifest", lambda p, m: True, mutate)
            changed += 1
    finally:
        catalog.close()
    return changed
