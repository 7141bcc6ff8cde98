"""The FastAPI application: JSON API under /api, web UI pages, health, OpenAPI at /docs."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

import settings as settings_module
from catalog import open_catalog
from search_api import errors
from search_api.batches import BatchRunner
from search_api.config import ApiLimits
from search_api.routes import (
    api_admin,
    api_archives,
    api_batches,
    api_changes,
    api_documents,
    api_search,
    assets,
    health,
    saved,
    ui,
    ui_admin,
    ui_archives,
    ui_corrections,
)
from search_api.state import ApiState
from search_api.timefmt import office_zone
from settings import Settings

STATIC = Path(__file__).parent / "static"
_CSP = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# Swagger UI and ReDoc start from an inline script; everything they load comes from this server, and the CSP keeps
# it so (ReDoc's footer would fetch a logo from its CDN).
_DOCS_CSP = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             b"script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'")


class SecurityHeaders:
    """Pure ASGI middleware (no buffering of streamed downloads) adding protective headers to every response."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        docs = scope["path"].startswith(("/docs", "/redoc"))
        # responses to a signed-in caller (token or session cookie) and the sign-in page are never cached: a shared
        # or back-button cache must not hand one user's documents, or a token form, to the next person
        request_headers = dict(scope.get("headers") or [])
        private = (b"authorization" in request_headers or b"records_token=" in request_headers.get(b"cookie", b"")
                   or scope["path"] == "/login")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                            (b"x-frame-options", b"DENY")]
                headers.append((b"content-security-policy", _DOCS_CSP if docs else _CSP))
                if private and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers += [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None, *, backends=None, limits: ApiLimits | None = None) -> FastAPI:
    """Build the app. `backends` defaults to `workers.backends.open_backends(settings)` (closed on shutdown)."""
    settings = settings or settings_module.load()
    zone = office_zone()  # RECORDS_TIMEZONE: a wrong name stops the app here, before anything is opened
    own_backends = backends is None
    if backends is None:
        from workers.backends import open_backends

        backends = open_backends(settings)
    catalog = open_catalog(settings)
    state = ApiState(settings=settings, backends=backends, catalog=catalog, limits=limits or ApiLimits.from_env(),
                     runner=BatchRunner(backends, catalog), zone=zone)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state.runner.resume(settings.home / "uploads")
        yield
        state.runner.close()
        catalog.close()
        if own_backends:
            backends.close()

    # FastAPIOffline serves Swagger UI's and ReDoc's scripts from its own package: /docs works on an intranet.
    app = FastAPIOffline(title="Records", version="0.1.0", lifespan=lifespan, favicon_url="/favicon.ico",
                         static_url="/static/api-docs",
                         description="Scanned records in, searchable access-controlled records out. "
                                     "Authenticate with `Authorization: Bearer TOKEN` (from `records users add`).")
    app.state.records = state
    errors.install(app)
    for module in (health, api_search, api_documents, api_changes, api_batches, api_admin, api_archives, saved, ui,
                   ui_archives, ui_corrections, ui_admin, assets):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    return app
