"""`/api/batches`: upload a batch (multipart, streamed to disk) and follow every file's ledger state."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from catalog.batches import create_batch, list_batches
from catalog.users import list_agencies
from documents.access import can_upload, check_visibility
from documents.errors import NotFound
from ingest.intake import LANGS, IngestOptions
from search_api.auth import PrincipalDep
from search_api.errors import ApiError, forbidden, not_found, request_lang
from search_api.i18n import reason_in
from search_api.state import StateDep
from search_api.uploads import receive_batch

router = APIRouter(prefix="/api/batches", tags=["batches"])
_BATCH_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def new_batch_id() -> str:
    """Sortable and unique, in the ledger's format."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def check_backends_up(state) -> None:
    """Raise TransientBackendError (answered 503, spool removed) when the object store or the queue is down."""
    from documents.errors import TransientBackendError

    state.backends.store.exists("readiness-probe")
    connection = getattr(state.backends.queue, "connection", None)
    if connection is not None:
        import redis

        try:
            connection.ping()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise TransientBackendError(f"the queue (Redis) is unreachable: {exc}", "r_queue_unreachable",
                                        detail=str(exc)) from exc


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@router.post(
    "",
    status_code=202,
    summary="Upload a batch of files for your agency",
    responses={
        202: {"description": "accepted; follow it at status_url"},
        413: {"description": "a file or the batch is too large"},
        503: {"description": "the object store or the queue is down: nothing was stored, upload again later"},
        422: {"description": "no files, too many files, or bad options"},
    },
)
async def upload(request: Request, principal: PrincipalDep, state: StateDep) -> JSONResponse:
    """`multipart/form-data` with one `files` part per file (images, PDFs, TIFFs, zip archives), and optional fields
    `visibility` (private|shared|public), `shared_with` (comma-separated agencies), `lang` (auto|vie|eng|urd|ara),
    `dossier`, `tags` (comma-separated). Files stream to disk; the batch is processed in the background."""
    if not can_upload(principal):
        raise forbidden("your role cannot upload; ask a clerk or an administrator of your agency",
                        key="upload_not_allowed")
    batch_id = new_batch_id()
    spool = state.settings.home / "uploads" / batch_id
    received = await receive_batch(
        request,
        spool,
        max_files=state.limits.max_files,
        max_file_bytes=state.max_file_bytes,
        max_batch_bytes=state.limits.max_batch_bytes,
    )
    fields = {**request.query_params, **received.fields}
    try:
        visibility = fields.get("visibility") or "private"
        shared = check_visibility(visibility, _split(fields.get("shared_with")), principal.agency or "",
                                  known=list_agencies(state.catalog))
        lang = fields.get("lang") or state.settings.default_lang
        if lang not in LANGS:
            raise ApiError(422, "invalid", f"lang must be one of {', '.join(LANGS)}", key="err_lang",
                           values={"known": ", ".join(LANGS)})
        options = IngestOptions(
            agency=principal.agency or "",
            visibility=visibility,
            shared_with=shared,
            lang=lang,
            wait=not state.settings.distributed_queue,
            dossier=fields.get("dossier") or None,
            tags=_split(fields.get("tags")),
        )
        options.validate()
        check_backends_up(state)  # before the 202: an upload is acknowledged only when it can be stored and queued
    except ValueError as exc:
        _cleanup(spool)
        raise ApiError(422, "invalid", str(exc)) from exc
    except Exception:
        _cleanup(spool)
        raise
    opts = {
        "visibility": visibility,
        "shared_with": shared,
        "lang": lang,
        "dossier": options.dossier,
        "tags": options.tags,
    }
    create_batch(
        state.catalog,
        batch_id,
        principal.agency or "",
        principal.user,
        opts,
        [(f.name, f.size) for f in received.files],
    )
    state.audit(
        request,
        principal,
        "upload",
        batch_id,
        principal.agency,
        files=[f.name for f in received.files],
        bytes=received.total_bytes,
        visibility=visibility,
        shared_with=shared,
    )
    state.runner.submit(
        batch_id, [f.path for f in received.files], {f.path: f.name for f in received.files}, options, spool
    )
    return JSONResponse(
        {
            "batch": batch_id,
            "status_url": f"/api/batches/{batch_id}",
            "files": [{"name": f.name, "size": f.size} for f in received.files],
        },
        status_code=202,
    )


def _cleanup(spool) -> None:
    import shutil

    shutil.rmtree(spool, ignore_errors=True)


@router.get("", summary="Your agency's recent batches")
def recent(principal: PrincipalDep, state: StateDep, limit: int = Query(20, ge=1, le=100)) -> dict:
    """Newest first, without their files."""
    if principal.agency is None:
        return {"batches": []}
    return {
        "batches": [
            {"batch": b.id, "user": b.user, "state": b.state, "created_at": b.created_at, "finished_at": b.finished_at}
            for b in list_batches(state.catalog, principal.agency, limit)
        ]
    }


@router.get("/{batch_id}", summary="A batch's progress: every file's ledger state")
def progress(request: Request, principal: PrincipalDep, state: StateDep, batch_id: str) -> dict:
    """States: received, queued, processing, then processed, duplicate, rejected (with the reason) or failed.
    Only users of the uploading agency can see a batch."""
    if not _BATCH_ID.match(batch_id):
        raise not_found("batch")
    try:
        status = state.runner.status(batch_id)
    except NotFound:
        raise not_found("batch") from None
    if status["agency"] != principal.agency and not principal.all_agencies:
        state.audit(request, principal, "denied", batch_id, status["agency"], what="batch")
        raise not_found("batch")
    # every reason also in the caller's language (`error_localized`), from its message key when it has one
    lang = request_lang(request)
    for record in (status, *status["documents"]):
        record["error_localized"] = reason_in(record.get("error"), record.get("error_key"), record.get("error_params"),
                                              lang)
    return status
