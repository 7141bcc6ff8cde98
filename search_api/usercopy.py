"""Serving a stamped user copy instead of an original to users outside the owning agency (archives.copies)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from archives.copies import stamp_lines, stamp_pdf
from documents.access import Principal
from documents.errors import NotFound, ProcessingFailed
from documents.model import Manifest, derivative_key
from search_api.errors import ApiError, not_found
from search_api.state import ApiState


def user_copy(state: ApiState, request: Request, principal: Principal, manifest: Manifest, requested: str,
              inline: bool = False) -> Response:
    """The document's searchable PDF stamped for `principal` (audited as a `download` of a copy)."""
    try:
        pdf = state.backends.store.get_bytes(derivative_key(manifest.id, "searchable.pdf"))
    except NotFound:
        raise not_found("file (it may not have been produced yet)") from None
    day = date.today().isoformat()
    try:
        body = stamp_pdf(pdf, stamp_lines(principal, day))
    except ProcessingFailed as exc:
        raise ApiError(500, "copy_failed", exc.reason, key=exc.key, values=exc.params) from None
    state.audit(request, principal, "download", manifest.id, manifest.agency, what="copy", requested=requested,
                stamped_for=f"{principal.user} ({principal.agency}) {day}")
    stem = manifest.original.filename.rsplit(".", 1)[0] or manifest.id
    name = f"{stem}.copy.pdf"
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = "inline" if inline else "attachment"
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store", "X-Records-Copy": "stamped"})
