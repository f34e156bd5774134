"""One error shape: RFC 9457 ``application/problem+json`` with a stable machine ``code``."""

from __future__ import annotations

import logging
import math
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from gateway.observability.logs import exception_text

PROBLEM_CONTENT_TYPE = "application/problem+json"
log = logging.getLogger(__name__)

# Werkzeug's own errors (routing, body limits) mapped to stable codes.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_attempts",
    431: "headers_too_large",
    501: "not_implemented",
    503: "unavailable",
}

_DETAILS = {
    404: "No route matches this URL.",
    405: "This route does not accept the method; the Allow header lists those it does.",
    413: "The request body is larger than the limit (STAMPGATE_MAX_BODY_BYTES).",
}

# How long a client is asked to wait when the database cannot be reached (a restart, a failover).
DATABASE_RETRY_AFTER_SECONDS = 2

# Validation failures with a contract code of their own answer with it instead of the generic one.
PROMOTED_ERROR_TYPES = frozenset({"probabilities_not_100", "pattern_too_small"})


class ApiError(Exception):
    """An expected failure that becomes a problem response (raised by services and views)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def not_found(what: str) -> ApiError:
    """The 404 every lookup answers, also for objects of another merchant."""
    return ApiError(404, "not_found", f"{what} not found")


def too_many_attempts(detail: str, retry_after: float) -> ApiError:
    """429 ``too_many_attempts``; ``Retry-After`` says in how many seconds to try again."""
    seconds = max(1, math.ceil(retry_after))
    return ApiError(
        429,
        "too_many_attempts",
        f"{detail} Retry after {seconds} s.",
        headers={"Retry-After": str(seconds)},
    )


def problem_response(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """Build a problem+json response."""
    body = {
        "type": f"urn:stampgate:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    response = Response(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    response.headers.update(headers or {})
    return response


def validation_problem(exc: ValidationError) -> Response:
    """422 ``validation_error`` listing every failing field."""
    errors = [
        {
            "loc": [str(part) for part in error["loc"]],
            "msg": error["msg"].removeprefix("Value error, "),
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    count = len(errors)
    detail = f"{count} field{'s' if count != 1 else ''} failed validation"
    code = next(
        (e["type"] for e in errors if e["type"] in PROMOTED_ERROR_TYPES), "validation_error"
    )
    return problem_response(422, code, detail, errors=errors)


def api_error_response(exc: ApiError) -> Response:
    """The problem response of an expected failure."""
    return problem_response(exc.status, exc.code, exc.detail, exc.headers, **exc.extra)


def _handle_http_exception(exc: HTTPException) -> Response:
    if isinstance(exc.response, Response):  # already a full response (a validation problem)
        return exc.response
    status = exc.code or 500
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    code = _HTTP_CODES.get(status, "http_error")
    detail = _DETAILS.get(status) or exc.description or HTTPStatus(status).phrase
    return problem_response(status, code, detail, headers)


def _handle_database_unavailable(exc: Exception) -> Response:
    # A lost or refused connection (or the pool empty for too long): the pool reconnects on
    # its next checkout (pre-ping), so a retry shortly after succeeds.
    log.warning("database unavailable", extra={"error": type(exc).__name__})
    return problem_response(
        503,
        "database_unavailable",
        "The database cannot be reached right now; retry shortly (a retried sale, or a request "
        "retried with its Idempotency-Key, is applied once).",
        {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, DBAPIError):
        # Told as text, not as exc_info, so that no handler prints the driver's message.
        log.error("unhandled database error: %s", exception_text(exc))
    else:
        log.exception("unhandled error", exc_info=exc)
    return problem_response(500, "internal_error", "An unexpected error occurred.")


def register_error_handlers(app: Flask) -> None:
    """Route every error a request can end in to a problem response."""
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(ValidationError, validation_problem)
    app.register_error_handler(HTTPException, _handle_http_exception)
    for unavailable in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(unavailable, _handle_database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
