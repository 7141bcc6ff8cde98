"""Every error the API returns is JSON: `{"error": {"status", "code", "message"}}` with a sentence a person can act
on. Browser pages get the same message rendered as HTML."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from documents.errors import NotFound, RecordsError, TransientBackendError


class ApiError(Exception):
    """An error with an HTTP status, a short machine code and a human message. `key` (with `values`) names the
    message in the UI's catalogues, so the caller reads it in their own language (error pages, the UI's scripts,
    and API clients that send a language)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                 key: str | None = None, values: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers
        # `key` names a translated message (search_api/i18n.py): the caller reads it in their own language
        self.key, self.values = key, values or {}

    def message_in(self, lang: str) -> str:
        """The message in `lang` when it has a translation, else the English `message`."""
        if self.key is None:
            return self.message
        from search_api.i18n import translate_message

        return translate_message({"key": self.key, "params": self.values}, lang, self.message)


def unauthorized(message: str = "sign in: send your API token as 'Authorization: Bearer TOKEN'") -> ApiError:
    """401 with the challenge header."""
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="records"'})


def not_found(what: str = "document") -> ApiError:
    """404 that says nothing about whether the thing exists for someone else."""
    return ApiError(404, "not_found", f"no such {what}, or you are not allowed to see it", key="err_not_found")


def forbidden(message: str, key: str | None = None, values: dict[str, object] | None = None) -> ApiError:
    """403 for actions the caller's role does not allow (on things the caller may see)."""
    return ApiError(403, "forbidden", message, key=key, values=values)


def _body(status: int, code: str, message: str) -> dict:
    return {"error": {"status": status, "code": code, "message": message}}


def request_lang(request: Request) -> str:
    """The caller's language: the UI's choice (cookie) or the browser's; API clients without either get English
    (the API's language until now), a client sending `Accept-Language: vi` gets Vietnamese."""
    from search_api.i18n import pick_lang
    from search_api.ui_render import LANG_COOKIE

    accept = request.headers.get("accept-language")
    if request.url.path.startswith("/api/") and not request.cookies.get(LANG_COOKIE) and not accept:
        return "en"
    return pick_lang(request.cookies.get(LANG_COOKIE), accept)


def _localized_body(request: Request, status: int, code: str, message: str, key: str | None,
                    values: dict | None) -> dict:
    """The JSON error; a keyed one also carries its key, params and its text in the caller's language
    (`localized`)."""
    body = _body(status, code, message)
    if key:
        from search_api.i18n import translate_message

        localized = translate_message({"key": key, "params": values or {}}, request_lang(request), message)
        body["error"].update(key=key, params=values or {}, localized=localized)
    return body


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Register the JSON (or HTML for browser pages) error handlers."""

    def respond(request: Request, status: int, code: str, message: str, headers: dict | None = None,
                key: str | None = None, values: dict | None = None):
        if _wants_html(request):
            from search_api.ui_render import render_error

            return render_error(request, status, message, key, values)
        return JSONResponse(_localized_body(request, status, code, message, key, values), status_code=status,
                            headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message_in(request_lang(request)), exc.headers, exc.key,
                       exc.values)

    @app.exception_handler(NotFound)
    async def records_not_found(request: Request, exc: NotFound):
        return respond(request, 404, "not_found", "no such document or object, or you are not allowed to see it",
                       key="err_not_found")

    @app.exception_handler(TransientBackendError)
    async def backend_down(request: Request, exc: TransientBackendError):
        # a server behind Records (object store, search index, queue) is down: 503, never 500 or 422
        message = ApiError(503, "unavailable", f"a service Records needs is unavailable ({exc.reason}); "
                           "nothing was changed — try again in a minute", key="err_backend_down",
                           values={"reason": exc.message or exc.reason}).message_in(request_lang(request))
        return respond(request, 503, "unavailable", message, {"Retry-After": "30"})

    @app.exception_handler(RecordsError)
    async def records_error(request: Request, exc: RecordsError):
        # a keyed reason (documents.errors) answers in the caller's language, with its key and the English text
        from search_api.i18n import translate_message

        message = translate_message(exc.message or exc.reason, request_lang(request), exc.reason)
        return respond(request, 422, "invalid", message, key=exc.key, values=exc.params)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid"))
        return respond(request, 422, "invalid", "invalid request — " + "; ".join(parts), key="err_invalid_request",
                       values={"details": "; ".join(parts)})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        import logging

        logging.getLogger("records.api").error("unexpected error on %s", request.url.path, exc_info=exc)
        return JSONResponse(_body(500, "internal", "the server failed on this request; it has been logged — "
                                  "try again, and tell an administrator if it keeps failing"), status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            # the localized text does not repeat the path: a hostile path is echoed once, in `message`, only
            return respond(request, 404, "not_found", f"no such page or endpoint: {request.url.path} (see /docs)",
                           key="err_no_page")
        if exc.status_code == 405:
            return respond(request, 405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}")
        return respond(request, exc.status_code, "error", str(exc.detail))
