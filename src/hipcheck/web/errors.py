"""The one place the web app turns errors into responses.

Under ``/api`` every error is the JSON shape ``{"code", "message", "field"}`` with the
HipcheckError's own HTTP status; elsewhere it is an HTML error page. Request validation
errors become 422 naming the offending field. Anything unexpected is a 500 that shows no
health data (the message is generic; details go to the server log only).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hipcheck.errors import HipcheckError

log = logging.getLogger("hipcheck.web")

API_PREFIX = "/api"


class ErrorBody(BaseModel):
    """The JSON error shape every /api response with status >= 400 has."""

    code: str = Field(description="stable machine-readable error code, e.g. not_found")
    message: str = Field(description="what went wrong, in words a person understands")
    field: str | None = Field(default=None, description="the input field at fault, when there is one")


# Documented on every API route so the OpenAPI schema describes the error responses.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown id"},
    409: {"model": ErrorBody, "description": "Conflicts with stored state"},
    422: {"model": ErrorBody, "description": "Invalid input; `field` names it"},
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _field_from_loc(loc: Sequence[Any]) -> str | None:
    # FastAPI locations start with where the value came from ("body", "query", "path").
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "form")]
    return ".".join(parts) or (str(loc[0]) if loc else None)


def validation_message(exc: RequestValidationError | ValidationError) -> tuple[str, str | None]:
    """A one-line message and the first offending field of a request's or a model's validation error."""
    errors = list(exc.errors())
    if not errors:
        return "the request is not valid", None
    first = errors[0]
    field = _field_from_loc(first.get("loc", ()))
    msg = str(first.get("msg", "is not valid"))
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON", "body"
    text = f"{field}: {msg}" if field else msg
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem(s))"
    return text, field


def error_response(
    request: Request, status: int, code: str, message: str, field: str | None = None
) -> Response:
    """JSON error for the API, HTML error page for people."""
    if _wants_json(request):
        body = ErrorBody(code=code, message=message, field=field)
        return JSONResponse(body.model_dump(), status_code=status)
    from hipcheck.web.render import render

    return render(
        request,
        "error.html",
        {"status": status, "code": code, "message": message, "field": field},
        status_code=status,
    )


async def _hipcheck_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HipcheckError)
    status = exc.http_status
    message = exc.message
    if status >= 500:
        # Server-side faults (store down, broken knowledge base): log the detail, show little.
        log.error("%s: %s", exc.code, exc.message)
        if status == 500:
            message = "hipcheck hit an internal problem; your saved answers are safe"
    return error_response(request, status, exc.code, message, exc.field)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message, field = validation_message(exc)
    return error_response(request, 422, "invalid_input", message, field)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    field = None
    if status == 400:
        # FastAPI's "error parsing the body" (e.g. bytes that are not UTF-8): invalid input like any other.
        status, field, detail = 422, "body", "the request body could not be read as JSON text"
    elif status == 404 and detail == "Not Found":
        detail = f"there is no page at {request.url.path}"
    code = _HTTP_CODES.get(status, "error")
    response = error_response(request, status, code, detail, field)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    # A bug. Never echo the exception: it may hold a runner's answers.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request, 500, "internal_error", "hipcheck hit an internal problem; your saved answers are safe"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on an app (called once by create_app)."""
    app.add_exception_handler(HipcheckError, _hipcheck_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
