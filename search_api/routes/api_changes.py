"""Corrections: edit metadata, correct a page's text, accept a page's flags, rotate or replace a page, split and
merge documents, delete to the trash, restore, purge; the review queue and the trash list.

Every route checks that the caller may see the document first (404 otherwise, as for reads), then calls the one
function of `changes/` for its action, which checks the caller may change it (403 otherwise), records revisions in
the manifest, updates the index and audits."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Any

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field

from changes import ChangeForbidden, Editor
from documents.access import Principal
from documents.model import FLAG_KINDS
from search_api.auth import PrincipalDep
from search_api.docaccess import load_visible, public_manifest
from search_api.errors import ApiError, forbidden
from search_api.state import ApiState, StateDep

router = APIRouter(tags=["corrections"])
DocId = Path(..., description="document id", max_length=64)
PageNo = Path(..., description="page number, from 1", ge=1, le=100_000)
MAX_RESCAN_BYTES = 200 * 1024 * 1024
RescanFile = File(..., description="the rescanned page: an image, or a PDF (its first page)")


def editor_for(state: ApiState, request: Request, principal: Principal) -> Editor:
    """The editor of one request."""
    return Editor(backends=state.backends, catalog=state.catalog, principal=principal,
                  client=request.client.host if request.client else None)


def _run(action, *args, **kwargs) -> Any:
    try:
        return action(*args, **kwargs)
    except ChangeForbidden as exc:
        raise forbidden(exc.reason, key=exc.key, values=exc.params) from None


class MetadataChange(BaseModel):
    """Fields to set; leave a field out to keep it, send "" (or [] for tags) to clear it."""

    title: str | None = Field(None, max_length=1000)
    doc_type: str | None = Field(None, max_length=100, description="one of the document types, e.g. decision")
    doc_number: str | None = Field(None, max_length=1000)
    issued_date: str | None = Field(None, max_length=40, description="yyyy-mm-dd or dd/mm/yyyy")
    issuing_body: str | None = Field(None, max_length=1000)
    dossier: str | None = Field(None, max_length=128)
    tags: list[str] | str | None = Field(None, description="a list, or comma-separated text")
    language: str | None = Field(None, max_length=40, description="vie, eng, urd or ara")


@router.patch("/api/documents/{doc_id}", summary="Edit a document's metadata (its agency's clerks, officers, admins)")
def edit(request: Request, principal: PrincipalDep, state: StateDep, change: MetadataChange,
         doc_id: str = DocId) -> dict:
    """Validated like the import manifest (a bad date or an unknown type is refused with a 422 and the reason).
    Each field set becomes `edited` in `metadata_source` and a revision; search sees the change at once."""
    from changes.metadata import edit_metadata

    load_visible(state, request, principal, doc_id)
    values = change.model_dump(exclude_unset=True)
    manifest = _run(edit_metadata, editor_for(state, request, principal), doc_id, values)
    return public_manifest(manifest, principal)


class TextChange(BaseModel):
    """The page's whole corrected text, one line per text line."""

    text: str = Field(..., max_length=200_000)


@router.put("/api/documents/{doc_id}/pages/{number}/text", summary="Correct one page's text")
def correct(request: Request, principal: PrincipalDep, state: StateDep, change: TextChange, doc_id: str = DocId,
            number: int = PageNo) -> dict:
    """Replaces the OCR text for search, display and downloads; the OCR text stays as the earlier revision and
    unchanged words keep their boxes. Resolves the page's review flags as `corrected`."""
    from changes.text import correct_text

    load_visible(state, request, principal, doc_id)
    manifest = _run(correct_text, editor_for(state, request, principal), doc_id, number, change.text)
    page = next(p for p in manifest.pages if p.number == number)
    return {"id": doc_id, "page": number, "text_edited": page.text_edited, "edited_lines": page.edited_lines}


class FlagAccept(BaseModel):
    """Accept a page as it is: all its open flags, or only `reason`'s."""

    reason: str | None = Field(None, max_length=40)


@router.post("/api/documents/{doc_id}/pages/{number}/accept", summary="Accept a flagged page as it is")
def accept(request: Request, principal: PrincipalDep, state: StateDep, body: FlagAccept, doc_id: str = DocId,
           number: int = PageNo) -> dict:
    """Resolves the page's open flags as `accepted` (audited)."""
    from changes.review import accept_flags

    load_visible(state, request, principal, doc_id)
    manifest = _run(accept_flags, editor_for(state, request, principal), doc_id, number, body.reason)
    page = next(p for p in manifest.pages if p.number == number)
    return {"id": doc_id, "page": number, "flags": [f.__dict__ for f in page.flags]}


class Rotation(BaseModel):
    """Turn a page clockwise."""

    degrees: int = Field(..., description="90, 180 or 270 (clockwise)")


@router.post("/api/documents/{doc_id}/pages/{number}/rotate", summary="Rotate a page and read it again")
def rotate(request: Request, principal: PrincipalDep, state: StateDep, body: Rotation, doc_id: str = DocId,
           number: int = PageNo) -> dict:
    """The page image is turned and goes through OCR again; the original file is not changed."""
    from changes.pages import rotate_page

    load_visible(state, request, principal, doc_id)
    manifest = _run(rotate_page, editor_for(state, request, principal), doc_id, number, body.degrees)
    return public_manifest(manifest, principal)


@router.put("/api/documents/{doc_id}/pages/{number}/image", summary="Replace a page with a rescan")
async def replace(request: Request, principal: PrincipalDep, state: StateDep, file: UploadFile = RescanFile,
                  doc_id: str = DocId, number: int = PageNo) -> dict:
    """Upload the rescan (an image, or a PDF whose first page is used): it goes through the same pipeline as any
    page and takes the place of page `number`; the original file is not changed, the rescan is kept beside it."""
    from starlette.concurrency import run_in_threadpool

    from changes.pages import replace_page

    load_visible(state, request, principal, doc_id)
    with tempfile.TemporaryDirectory(prefix="records-rescan-") as tmp:
        name = FsPath(file.filename or "rescan").name or "rescan"
        local = FsPath(tmp) / name
        size = 0
        with local.open("wb") as out:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > MAX_RESCAN_BYTES:
                    raise ApiError(413, "too_large", f"a rescan may be at most {MAX_RESCAN_BYTES >> 20} MB",
                                   key="err_rescan_too_large", values={"mb": MAX_RESCAN_BYTES >> 20})
                out.write(chunk)
        manifest = await run_in_threadpool(_run, replace_page, editor_for(state, request, principal), doc_id, number,
                                           local)
    return public_manifest(manifest, principal)


class Split(BaseModel):
    """Where the second document starts."""

    at: int = Field(..., ge=2, description="the first page of the second document")


@router.post("/api/documents/{doc_id}/split", summary="Split a document into two at a page")
def split(request: Request, principal: PrincipalDep, state: StateDep, body: Split, doc_id: str = DocId) -> dict:
    """Two new documents pointing to this one's original file and pages; this one leaves search (it is kept,
    `superseded_by` names the parts)."""
    from changes.splitmerge import split_document

    load_visible(state, request, principal, doc_id)
    parts = _run(split_document, editor_for(state, request, principal), doc_id, body.at)
    return {"id": doc_id, "documents": [public_manifest(m, principal) for m in parts]}


@router.get("/api/documents/{doc_id}/split", summary="Where the document seems to hold a second document")
def split_suggestion(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId) -> dict:
    """Pages where the metadata extractor sees a new document start (a new heading, number and date)."""
    from changes.splitmerge import suggest_split

    manifest = load_visible(state, request, principal, doc_id)
    return {"id": doc_id, "suggested": suggest_split(state.backends, manifest)}


class Merge(BaseModel):
    """Documents to join, in order."""

    ids: list[str] = Field(..., min_length=2, max_length=100)


@router.post("/api/documents/merge", summary="Merge documents into one")
def merge(request: Request, principal: PrincipalDep, state: StateDep, body: Merge) -> dict:
    """A new document of all their pages in the order given, pointing to their original files; the merged ones
    leave search."""
    from changes.splitmerge import merge_documents

    for doc_id in body.ids:
        load_visible(state, request, principal, doc_id)
    manifest = _run(merge_documents, editor_for(state, request, principal), body.ids)
    return public_manifest(manifest, principal)


@router.delete("/api/documents/{doc_id}", summary="Move a document to its agency's trash (its agency's admins)")
def delete(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId) -> dict:
    """It leaves search at once and can be restored until `purge_after` (RECORDS_TRASH_DAYS, default 30)."""
    from changes.trash import delete_document

    load_visible(state, request, principal, doc_id)
    manifest = _run(delete_document, editor_for(state, request, principal), doc_id)
    return {"id": doc_id, "trashed": manifest.trashed.__dict__ if manifest.trashed else None}


@router.post("/api/documents/{doc_id}/restore", summary="Restore a document from the trash (its agency's admins)")
def restore(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId) -> dict:
    """Search finds it again at once."""
    from changes.trash import restore_document

    load_visible(state, request, principal, doc_id)
    _run(restore_document, editor_for(state, request, principal), doc_id)
    return {"id": doc_id, "trashed": None}


@router.post("/api/documents/{doc_id}/purge", summary="Remove a trashed document for good (its agency's admins)")
def purge(request: Request, principal: PrincipalDep, state: StateDep, doc_id: str = DocId,
          force: bool = Query(False, description="purge before the restore period is over")) -> dict:
    """Every stored object and the index entry go; the audit log keeps a tombstone."""
    from changes.trash import purge_document

    load_visible(state, request, principal, doc_id)
    return _run(purge_document, editor_for(state, request, principal), doc_id, force=force)


@router.get("/api/trash", summary="Documents in your agency's trash (admins)")
def trash(request: Request, principal: PrincipalDep, state: StateDep) -> dict:
    """Newest first, with who trashed them and until when they can be restored."""
    from changes.trash import trash_list

    if not (principal.all_agencies or principal.role == "admin"):
        raise forbidden("only administrators see the trash", key="err_admin_trash")
    return {"documents": trash_list(editor_for(state, request, principal), principal.agency)}


@router.get("/api/review", summary="Flagged pages of your agency, worst first")
def review(request: Request, principal: PrincipalDep, state: StateDep,
           agency: str | None = Query(None, max_length=64), reason: str | None = Query(None, max_length=40),
           kind: str | None = Query(None, description=" or ".join(FLAG_KINDS)),
           limit: int = Query(200, ge=1, le=1000)) -> dict:
    """Each page with its open flags (kind, reason, measurement) and a thumbnail link."""
    from changes.review import review_queue

    pages = _run(review_queue, state.backends, principal, agency, reason, kind, limit)
    state.audit(request, principal, "review.list", None, principal.agency, reason=reason, kind=kind)
    return {"pages": pages, "total": len(pages)}
