"""Domain errors to HTTP responses, in one place.

Every failure of the JSON API has one shape, :class:`ErrorBody`::

    {"status": 404, "code": "not_found", "message": "...", "field": null}

The mapping from werkmatch's own errors (:mod:`features.errors`) to status codes lives in
:data:`STATUS_BY_ERROR`; nothing else in the service chooses a status for a domain error.
Web pages get the same status with an HTML page in the reader's language (the handler asks the
web package to render it). Clients never see a stack trace: an unexpected error is logged here
with its traceback and answered with a generic message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from features.errors import (
    InvalidRecordError,
    UnknownEntityError,
    UnusableFileError,
    WerkmatchError,
)

__all__ = [
    "STATUS_BY_ERROR",
    "ErrorBody",
    "HtmlErrorRenderer",
    "error_body",
    "install_error_handlers",
    "wants_json",
]

logger = logging.getLogger(__name__)

# Most specific first: the first class the error is an instance of decides.
STATUS_BY_ERROR: tuple[tuple[type[WerkmatchError], int, str], ...] = (
    (UnknownEntityError, 404, "not_found"),
    (InvalidRecordError, 422, "invalid_record"),
    (UnusableFileError, 400, "unusable_file"),
    (WerkmatchError, 400, "bad_request"),
)

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    500: "internal_error",
    503: "unavailable",
}
_INTERNAL_MESSAGE = "Something went wrong on our side; the error has been logged."

# Paths answered in JSON; every other path is a web page.
_JSON_PREFIXES = ("/api/", "/health", "/openapi.json", "/docs", "/redoc")


class ErrorBody(BaseModel):
    """The body of every error response of the JSON API."""

    status: int
    code: str
    message: str
    field: str | None = None


HtmlErrorRenderer = Callable[[Request, ErrorBody], Response]
"""Renders an error as a web page; supplied by :mod:`service.web`."""


def wants_json(request: Request) -> bool:
    """Whether the request belongs to the JSON API (as opposed to the web pages)."""
    path = request.url.path
    return path == "/api" or path.startswith(_JSON_PREFIXES)


def error_body(error: Exception) -> ErrorBody:
    """The status, code, message and field for an error raised while handling a request."""
    if isinstance(error, WerkmatchError):
        for kind, status, code in STATUS_BY_ERROR:
            if isinstance(error, kind):
                field = None
                if isinstance(error, InvalidRecordError) and error.problems:
                    field = error.problems[0].field
                return ErrorBody(status=status, code=code, message=str(error), field=field)
    if isinstance(error, RequestValidationError):
        return _validation_body(error)
    if isinstance(error, StarletteHTTPException):
        code = _CODE_BY_STATUS.get(error.status_code, "http_error")
        return ErrorBody(status=error.status_code, code=code, message=str(error.detail))
    return ErrorBody(status=500, code="internal_error", message=_INTERNAL_MESSAGE)


def _validation_body(error: RequestValidationError) -> ErrorBody:
    problems = list(error.errors())
    if not problems:
        return ErrorBody(status=422, code="validation_error", message="invalid request")
    first = problems[0]
    # loc is ("query", "limit") or ("path", "id") or ("body", ...): the first part is where.
    loc = [str(part) for part in first.get("loc", ())]
    field = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else None)
    messages = "; ".join(
        f"{'.'.join(str(p) for p in item.get('loc', ())[1:]) or 'request'}: {item.get('msg', '')}"
        for item in problems
    )
    return ErrorBody(status=422, code="validation_error", message=messages, field=field)


def install_error_handlers(app: FastAPI, render_html: HtmlErrorRenderer | None = None) -> None:
    """Answer every error of ``app`` with :class:`ErrorBody` (JSON) or an HTML error page."""

    def respond(request: Request, body: ErrorBody) -> Response:
        if render_html is not None and not wants_json(request):
            return render_html(request, body)
        return JSONResponse(body.model_dump(), status_code=body.status)

    async def domain_error(request: Request, error: Exception) -> Response:
        body = error_body(error)
        logger.info("%s %s -> %d %s", request.method, request.url.path, body.status, error)
        return respond(request, body)

    async def unexpected_error(request: Request, error: Exception) -> Response:
        logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
        return respond(request, error_body(error))

    handlers: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
        WerkmatchError: domain_error,
        RequestValidationError: domain_error,
        StarletteHTTPException: domain_error,
        Exception: unexpected_error,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
