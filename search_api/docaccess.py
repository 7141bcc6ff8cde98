"""Loading one document for a caller: the manifest is read from the store and the access rule applied before
anything about the document is returned. Unknown, malformed and forbidden ids all give the same 404."""

from __future__ import annotations

import re

from fastapi import Request

from changes.rules import owns
from documents.access import Principal, can_view
from documents.errors import NotFound
from documents.model import Manifest, manifest_key
from search_api.errors import ApiError, not_found
from search_api.state import ApiState

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def load_visible(state: ApiState, request: Request | None, principal: Principal, doc_id: str) -> Manifest:
    """The manifest of `doc_id` if `principal` may see it; else 404 (and an audited `denied` for real documents)."""
    if not _ID.match(doc_id):
        raise not_found()
    try:
        manifest = Manifest.from_dict(state.backends.store.get_json(manifest_key(doc_id)))
    except NotFound:
        raise not_found() from None
    if not can_view(principal, manifest) or (manifest.trashed is not None and not owns(principal, manifest)):
        # the trash is the owning agency's business: to everyone else a trashed document is gone
        state.audit(request, principal, "denied", doc_id, manifest.agency)
        raise not_found()
    return manifest


def check_page(manifest: Manifest, number: int) -> None:
    """404 unless `number` is one of the document's pages."""
    if number < 1 or number > max(len(manifest.pages), manifest.metadata.page_count or 0):
        raise ApiError(404, "not_found", f"page {number} does not exist: this document has {len(manifest.pages)} pages",
                       key="err_page_missing", values={"page": number, "pages": len(manifest.pages)})


def public_manifest(manifest: Manifest, principal: Principal) -> dict:
    """The manifest as shown to a caller: import-only fields dropped; the share list only for the owner agency."""
    data = manifest.to_dict()
    data.pop("supplied", None)
    if not principal.all_agencies and manifest.agency != principal.agency:
        data["shared_with"] = []
    base = f"/api/documents/{manifest.id}"
    data["links"] = {
        "self": base, "text": f"{base}/text", "original": f"{base}/original", "searchable_pdf": f"{base}/pdf",
        "pages": [{"number": p.number, "image": f"{base}/pages/{p.number}/image",
                   "thumbnail": f"{base}/pages/{p.number}/thumbnail", "text": f"{base}/pages/{p.number}/text",
                   "words": f"{base}/pages/{p.number}/words"} for p in manifest.pages],
    }
    return data
