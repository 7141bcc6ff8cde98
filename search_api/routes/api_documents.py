"""`/api/documents/{id}...`: metadata, text, original, page images, thumbnails, word boxes, searchable PDF, and
visibility changes. Every route loads the manifest through the access check first (`docaccess.load_visible`)."""

from __future__ import annotations

import json
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from archives.copies import may_have_original
from catalog.users import list_agencies
from changes.splitmerge import original_owner
from documents.access import can_change_visibility, check_visibility
from documents.errors import NotFound
from documents.model import derivative_key, original_key, page_key
from search_api.auth import PrincipalDep
from search_api.docaccess import check_page, load_visible, public_manifest
from search_api.errors import ApiError, forbidden, not_found
from search_api.highlight import matching_boxes
from search_api.state import ApiState, StateDep
from search_api.usercopy import user_copy

router = APIRouter(prefix="/api/documents", tags=["documents"])

_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "tiff": "image/tiff",
    "tif": "image/tiff",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "gif": "image/gif",
    "heic": "image/heic",
}
DocId = Path(..., description="document id", max_length=64)
PageNo = Path(..., description="page number, from 1", ge=1, le=100_000)


def _stream(
    state: ApiState, key: str, media_type: str, filename: str | None = None, inline: bool = False, cache: bool = False
) -> StreamingResponse:
    try:
        size = state.backends.store.size(key)
        chunks = state.backends.store.open_stream(key)
    except NotFound:
        raise not_found("file (it may not have been produced yet)") from None
    headers = {
        "Content-Length": str(size),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300" if cache else "private, no-store",
    }
    if filename:
        kind = "inline" if inline else "attachment"
        ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
        headers["Content-Disposition"] = f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return StreamingResponse(chunks, media_type=media_type, headers=headers)


@router.get("/{doc_id}", summary="A document's metadata, status, pages and links")
def document(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId) -> dict:
    """The manifest (metadata, status, per-page results) and links to the text, pages and downloads."""
    manifest = load_visible(state, request, principal, doc_id)
    state.audit(request, principal, "view", doc_id, manifest.agency)
    return public_manifest(manifest, principal)


@router.get("/{doc_id}/text", summary="The whole recognised text", response_class=PlainTextResponse)
def text(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId) -> Response:
    """UTF-8 text of every page, in page order."""
    manifest = load_visible(state, request, principal, doc_id)
    state.audit(request, principal, "text", doc_id, manifest.agency)
    return _stream(state, derivative_key(doc_id, "text.txt"), "text/plain; charset=utf-8")


@router.get("/{doc_id}/original", summary="Download the original file as uploaded")
def original(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId) -> Response:
    """The stored original, byte for byte, under its original file name."""
    manifest = load_visible(state, request, principal, doc_id)
    if not may_have_original(principal, manifest):  # other agencies get a stamped copy (archives.copies)
        return user_copy(state, request, principal, manifest, "original")
    state.audit(request, principal, "download", doc_id, manifest.agency, what="original")
    ext = manifest.original.ext
    return _stream(
        state, original_key(original_owner(manifest), ext), _TYPES.get(ext, "application/octet-stream"),
        manifest.original.filename
    )


@router.get("/{doc_id}/pdf", summary="Download the searchable PDF (page images with an invisible text layer)")
def searchable_pdf(
    request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId, inline: bool = Query(False)
) -> Response:
    """The searchable PDF built from the cleaned pages and their OCR text."""
    manifest = load_visible(state, request, principal, doc_id)
    if not may_have_original(principal, manifest):
        return user_copy(state, request, principal, manifest, "searchable_pdf", inline=inline)
    state.audit(request, principal, "download", doc_id, manifest.agency, what="searchable_pdf")
    stem = manifest.original.filename.rsplit(".", 1)[0] or doc_id
    return _stream(
        state, derivative_key(doc_id, "searchable.pdf"), "application/pdf", f"{stem}.searchable.pdf", inline=inline
    )


def _page_file(request: Request, principal, state: ApiState, doc_id: str, number: int, action: str, what: str,
               media_type: str, cache: bool = False) -> StreamingResponse:
    """One stored per-page object, after the access check and the audit entry every page download gets."""
    manifest = load_visible(state, request, principal, doc_id)
    check_page(manifest, number)
    state.audit(request, principal, action, doc_id, manifest.agency, page=number)
    return _stream(state, page_key(doc_id, number, what), media_type, cache=cache)


@router.get("/{doc_id}/pages/{number}/image", summary="A cleaned page image (PNG)")
def page_image(
    request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId, number: int = PageNo
) -> Response:
    """The page as OCR saw it (cleaned, deskewed), PNG; word boxes are in its pixels."""
    return _page_file(request, principal, state, doc_id, number, "page", "png", "image/png", cache=True)


@router.get("/{doc_id}/pages/{number}/thumbnail", summary="A page thumbnail (JPEG)")
def thumbnail(
    request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId, number: int = PageNo
) -> Response:
    """A small JPEG of the page for result lists."""
    return _page_file(request, principal, state, doc_id, number, "thumbnail", "thumb.jpg", "image/jpeg", cache=True)


@router.get("/{doc_id}/pages/{number}/text", summary="One page's text", response_class=PlainTextResponse)
def page_text(
    request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId, number: int = PageNo
) -> Response:
    """UTF-8 text of one page."""
    return _page_file(request, principal, state, doc_id, number, "text", "txt", "text/plain; charset=utf-8")


@router.get("/{doc_id}/pages/{number}/words", summary="One page's OCR word boxes, and those matching a query")
def page_words(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    doc_id: str = DocId,
    number: int = PageNo,
    q: str = Query("", max_length=2000),
) -> dict:
    """Word boxes in page-image pixels; with `q`, `highlights` lists the matching boxes in percent of the page."""
    manifest = load_visible(state, request, principal, doc_id)
    check_page(manifest, number)
    state.audit(request, principal, "page", doc_id, manifest.agency, page=number, what="words")
    words = page_words_json(state, doc_id, number)
    page = next((p for p in manifest.pages if p.number == number), None)
    width, height = (page.width, page.height) if page else (0, 0)
    return {
        "page": number,
        "width": width,
        "height": height,
        "words": words,
        "highlights": matching_boxes(words, q, width, height) if q else [],
    }


def page_words_json(state: ApiState, doc_id: str, number: int) -> list[dict]:
    """The stored word boxes of a page ([] for pages that have none, e.g. born-digital text)."""
    try:
        return json.loads(state.backends.store.get_bytes(page_key(doc_id, number, "words.json")))
    except NotFound:
        return []


class VisibilityChange(BaseModel):
    """Who may see a document."""

    visibility: str = Field(..., description="private, shared or public")
    shared_with: list[str] = Field(default_factory=list, description="agencies (for shared)")


@router.put("/{doc_id}/visibility", summary="Change who may see a document (owner agency's officers and admins)")
def change_visibility(
    request: Request, principal: PrincipalDep, state: StateDep, change: VisibilityChange, doc_id: str = DocId
) -> dict:
    """Set private, shared (with listed agencies) or public. Audited with the old and new values."""
    manifest = load_visible(state, request, principal, doc_id)
    if not can_change_visibility(principal, manifest):
        state.audit(request, principal, "denied", doc_id, manifest.agency, what="visibility")
        if manifest.agency != principal.agency:
            raise forbidden("only the owning agency can change who sees this document", key="err_vis_not_owner")
        raise forbidden("only officers and admins can change who sees a document", key="err_vis_role")
    shared = check_visibility(change.visibility, change.shared_with, manifest.agency,
                              known=list_agencies(state.catalog))
    before = {"visibility": manifest.visibility, "shared_with": manifest.shared_with}
    from workers.pipeline import set_visibility

    try:
        updated = set_visibility(doc_id, change.visibility, shared, state.backends)
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    state.audit(
        request,
        principal,
        "visibility",
        doc_id,
        manifest.agency,
        before=before,
        after={"visibility": updated.visibility, "shared_with": updated.shared_with},
    )
    return {"id": doc_id, "visibility": updated.visibility, "shared_with": updated.shared_with}
