"""Web UI of the correction loop: the review queue, the per-page text editor and the trash. Every action on these
screens calls the JSON API (`api_changes`), so the same functions of `changes/` do the work."""

from __future__ import annotations

import json

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from changes.review import review_queue
from changes.rules import can_edit
from documents.errors import NotFound
from documents.model import page_key
from ocr.quality import REASONS, Thresholds
from search_api.docaccess import check_page, load_visible
from search_api.errors import forbidden
from search_api.routes.ui import _to_login, ui_user
from search_api.state import StateDep
from search_api.ui_render import TEMPLATES, render

router = APIRouter(include_in_schema=False)


def reason_label(t, code: str) -> str:
    """A flag reason in the page's language ("below 150 dpi", "bị mờ")."""
    return t("reason_" + code, min_dpi=Thresholds.from_env().min_dpi)


def reason_labels(t) -> dict[str, str]:
    """Every flag reason in the page's language (for scripts that show flags, e.g. the batch ledger)."""
    return {code: reason_label(t, code) for code in REASONS}


TEMPLATES.env.globals["reason_label"] = reason_label
TEMPLATES.env.globals["reason_labels"] = reason_labels


@router.get("/review")
def review_page(request: Request, state: StateDep, reason: str = Query("", max_length=40)) -> Response:
    """Flagged pages of the user's agency, worst first, with thumbnails and the actions that resolve them."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    rows = review_queue(state.backends, user.principal, None, reason or None)
    state.audit(request, user.principal, "review.list", None, user.principal.agency, reason=reason, via="ui")
    return render(request, "review.html", {"rows": rows, "reason": reason, "reasons": list(REASONS),
                                            "reason_label": reason_label}, user=user)


@router.get("/documents/{doc_id}/pages/{number}/edit")
def text_editor(request: Request, state: StateDep, doc_id: str = Path(..., max_length=64),
                number: int = Path(..., ge=1, le=100_000)) -> Response:
    """The page image beside its text, one box per line; edited lines are marked."""
    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    manifest = load_visible(state, request, user.principal, doc_id)
    check_page(manifest, number)
    if not can_edit(user.principal, manifest):
        raise forbidden("only the owning agency can correct this document's text", key="err_correct_not_owner")
    store = state.backends.store
    text = store.get_bytes(page_key(doc_id, number, "txt")).decode()
    try:
        words = json.loads(store.get_bytes(page_key(doc_id, number, "words.json")))
    except NotFound:
        words = []
    page = next(p for p in manifest.pages if p.number == number)
    state.audit(request, user.principal, "text", doc_id, manifest.agency, page=number, via="editor")
    lines = text.split("\n") if text else [""]
    return render(request, "text_editor.html", {
        "doc": manifest, "page": page, "lines": lines, "edited": set(page.edited_lines),
        "line_boxes": _line_boxes(words, page.width, page.height), "reason_label": reason_label,
    }, user=user)


def _line_boxes(words: list[dict], width: int, height: int) -> dict[int, dict]:
    """The box of each OCR text line (by line number, 0-based) in percent of the page, for pointing at it."""
    if not width or not height:
        return {}
    boxes: dict[int, list[int]] = {}
    for w in words:
        if not w.get("width"):
            continue
        n = int(w.get("line", 0))
        box = boxes.setdefault(n, [w["left"], w["top"], w["left"] + w["width"], w["top"] + w["height"]])
        box[0], box[1] = min(box[0], w["left"]), min(box[1], w["top"])
        box[2], box[3] = max(box[2], w["left"] + w["width"]), max(box[3], w["top"] + w["height"])
    return {n: {"left": round(100 * b[0] / width, 2), "top": round(100 * b[1] / height, 2),
                "width": round(100 * (b[2] - b[0]) / width, 2), "height": round(100 * (b[3] - b[1]) / height, 2)}
            for n, b in boxes.items()}


@router.get("/trash")
def trash_page(request: Request, state: StateDep) -> Response:
    """The agency's trash (admins): what was deleted, by whom, until when it can be restored."""
    from changes.trash import trash_list
    from search_api.routes.api_changes import editor_for

    user = ui_user(request, state)
    if user is None:
        return _to_login(request)
    if user.principal.role != "admin":
        raise forbidden("only administrators see the trash", key="err_admin_trash")
    docs = trash_list(editor_for(state, request, user.principal), user.principal.agency)
    return render(request, "trash.html", {"docs": docs}, user=user)
