"""Small marker objects in the store that let the review queue and the trash list read only the documents they
show, not every manifest: `marks/review/<agency>/<id>` while a document has open quality flags, and
`marks/trash/<agency>/<id>` while it is in the trash. They are kept in step with the manifest (the system of
record) wherever it is saved: at the end of the pipeline and by every change."""

from __future__ import annotations

from collections.abc import Iterator

from documents.model import Manifest, open_flags

REVIEW = "marks/review/"
TRASH = "marks/trash/"


def _key(prefix: str, manifest: Manifest) -> str:
    return f"{prefix}{manifest.agency}/{manifest.id}"


def sync(store, manifest: Manifest) -> None:
    """Create or remove the document's markers to match its manifest."""
    flagged = manifest.status == "processed" and manifest.trashed is None and not manifest.superseded_by and \
        bool(open_flags(manifest))
    if flagged:
        store.put_json(_key(REVIEW, manifest), {"flags": len(open_flags(manifest))})
    else:
        store.delete(_key(REVIEW, manifest))
    if manifest.trashed is not None:
        store.put_json(_key(TRASH, manifest), {"purge_after": manifest.trashed.purge_after})
    else:
        store.delete(_key(TRASH, manifest))


def drop(store, manifest: Manifest) -> None:
    """Remove both markers (the document is purged)."""
    store.delete(_key(REVIEW, manifest))
    store.delete(_key(TRASH, manifest))


def marked(store, prefix: str, agency: str | None) -> Iterator[str]:
    """Ids of the documents marked under `prefix` (REVIEW or TRASH), of one agency or of all."""
    for key in store.list(f"{prefix}{agency}/" if agency else prefix):
        parts = key[len(prefix):].split("/")
        if len(parts) == 2 and parts[1]:
            yield parts[1]
