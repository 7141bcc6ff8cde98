"""Liveness and readiness (no token needed; they reveal nothing but whether the backends answer)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

from search_api.state import StateDep

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness: the process answers")
def health() -> dict:
    """Always 200 while the server runs."""
    return {"status": "ok"}


@router.get("/ready", summary="Readiness: catalog, object store and search index answer")
def ready(state: StateDep) -> JSONResponse:
    """200 when every backend answers, else 503 with the failing ones and why."""
    checks: dict[str, str] = {}
    try:
        state.catalog.conn().execute("SELECT 1").fetchone()
        checks["catalog"] = "ok"
    except Exception as exc:
        checks["catalog"] = f"error: {exc}"
    try:
        state.backends.store.exists("readiness-probe")
        checks["store"] = "ok"
    except Exception as exc:
        checks["store"] = f"error: {exc}"
    try:
        state.backends.index.count()
        checks["index"] = "ok"
    except Exception as exc:
        checks["index"] = f"error: {exc}"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics: pages per minute, queue depth, failed and retried jobs, "
            "documents per state, OCR confidence", response_class=PlainTextResponse)
def metrics(state: StateDep) -> PlainTextResponse:
    """Aggregate figures only (no document, user or agency names), for the operators' Prometheus."""
    from workers.metrics import render_metrics

    return PlainTextResponse(render_metrics(state.backends), media_type="text/plain; version=0.0.4")
