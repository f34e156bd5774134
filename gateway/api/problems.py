"""The HTTP edge of errors: one table from each ``code`` to its status, and the handlers that
answer every error as RFC 9457 ``application/problem+json``.

The domain raises ``DomainError(code, detail)``; the status is looked up here, and nowhere
else. README's "Error codes" lists the same codes with the same statuses (a test compares
them both ways, and that every code the source raises is in the table).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from types import MappingProxyType
from typing import Any, Final, get_type_hints

from flask import Flask, Response, current_app, json, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from gateway.api import validation
from gateway.errors import DomainError
from gateway.observability.logs import exception_text

PROBLEM_CONTENT_TYPE = "application/problem+json"
log = logging.getLogger(__name__)

STATUSES: Final[Mapping[str, int]] = MappingProxyType(
    {
        # Any request: the HTTP layer, the input rules, keys and tokens, idempotency.
        "bad_request": 400,
        "malformed_json": 400,
        "invalid_idempotency_key": 400,
        "unauthorized": 401,
        "forbidden": 403,
        "admin_disabled": 403,
        "not_found": 404,
        "method_not_allowed": 405,
        "conflict": 409,
        "idempotency_conflict": 409,
        "idempotency_in_progress": 409,
        "payload_too_large": 413,
        "uri_too_long": 414,
        "unsupported_media_type": 415,
        "validation_error": 422,
        "control_characters": 422,  # 400 where the input is raw: see RAW_INPUT_STATUSES
        "too_many_attempts": 429,
        "headers_too_large": 431,
        "internal_error": 500,
        "not_implemented": 501,
        "unavailable": 503,
        "database_unavailable": 503,
        "not_ready": 503,
        # Programs, cards and sales.
        "probabilities_not_100": 422,
        "program_required": 422,
        "currency_mismatch": 422,
        "invalid_time_range": 422,
        "invalid_card_number": 422,
        "other_program": 422,
        "card_exists": 409,
        "sale_conflict": 409,
        "refund_conflict": 409,
        "spin_already_played": 409,
        # Vouchers.
        "already_redeemed": 409,
        "expired": 409,
        "voided": 409,
        "not_active": 409,
        "already_active": 409,
        "not_redeemed": 409,
        "channel_not_allowed": 409,
        "code_pool_empty": 409,
        "code_space_exhausted": 409,
        "barcode_unsupported": 409,
        # Redeem codes and code pools.
        "pattern_too_small": 422,
        "unknown_code_pool": 422,
        "malformed_csv": 422,
        "unknown_code": 404,
        "customer_required": 409,
        "other_customer": 409,
        "held": 409,
        "rollback_window_passed": 409,
        "already_rolled_back": 409,
        # POS connections, POS webhooks and the Poster install callback.
        "bad_state": 400,
        "malformed_callback": 400,
        "malformed_webhook": 400,
        "bad_signature": 401,
        "bad_token": 401,
        "url_not_allowed": 422,
        "unknown_promotion": 422,
        "unknown_coupon_series": 422,
        "pool_source_unsupported": 422,
        "account_not_verified": 422,
        "connection_exists": 409,
        "pos_auth_rejected": 409,
        "not_retryable": 409,
        "registration_not_supported": 409,
        "pool_not_bound": 409,
        "poster_app_not_configured": 409,
        "pos_unreachable": 502,
        "pos_error": 502,
        "token_exchange_failed": 502,
        "registration_not_confirmed": 502,
        "credentials_unreadable": 503,
        # Webhook endpoints and deliveries.
        "secret_unreadable": 409,
        "delivery_in_progress": 409,
        # Campaigns.
        "channel_text_missing": 422,
        "push_text_too_long": 422,
        "not_a_voucher_reward": 422,
        "send_at_in_past": 422,
        "empty_segment": 422,
        "campaign_finished": 409,
        # Wallet passes.
        "wallet_pem_unreadable": 422,
        "wallet_key_mismatch": 422,
        "wallet_certificate_expired": 422,
        "wallet_key_unreadable": 503,
        "wallet_image_invalid": 422,
        # Google Wallet.
        "google_service_account_invalid": 422,
        "google_key_unreadable": 422,
        "google_credentials_unreadable": 503,
    }
)

# One code, two doors: a control character in a field of an API body is unprocessable (422);
# in the URL or in a POS webhook's raw body the request itself is malformed (400).
RAW_INPUT_STATUSES: Final[Mapping[str, int]] = MappingProxyType({"control_characters": 400})

# Werkzeug's own errors (routing, body limits) by status; any other status it raises answers
# ``HTTP_ERROR`` with that status.
HTTP_CODES: Final = {
    STATUSES[code]: code
    for code in (
        "bad_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "conflict",
        "payload_too_large",
        "uri_too_long",
        "unsupported_media_type",
        "validation_error",
        "too_many_attempts",
        "headers_too_large",
        "not_implemented",
        "unavailable",
    )
}
HTTP_ERROR: Final = "http_error"

_DETAILS = {
    404: "No route matches this URL.",
    405: "This route does not accept the method; the Allow header lists those it does.",
    413: "The request body is larger than the limit (STAMPGATE_MAX_BODY_BYTES).",
}

# How long a client is asked to wait when the database cannot be reached (a restart, a failover).
DATABASE_RETRY_AFTER_SECONDS = 2

# Validation failures with a contract code of their own answer with it instead of the generic one.
PROMOTED_ERROR_TYPES = frozenset(
    {"probabilities_not_100", "pattern_too_small", "invalid_card_number"}
)


class RawInputRefused(Exception):  # noqa: N818 -- it carries the refusal, not a failure of its own
    """A domain error raised while reading raw input, answered with its raw-input status."""

    def __init__(self, error: DomainError, status: int) -> None:
        super().__init__(error.detail)
        self.error = error
        self.status = status


@contextmanager
def reading_raw_input() -> Iterator[None]:
    """Answer the codes of ``RAW_INPUT_STATUSES`` raised within with their raw-input status."""
    try:
        yield
    except DomainError as exc:
        status = RAW_INPUT_STATUSES.get(exc.code)
        if status is None:
            raise
        raise RawInputRefused(exc, status) from exc


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


def domain_problem(exc: DomainError, status: int | None = None) -> Response:
    """The problem response of a domain error, with the table's status unless one is given."""
    status = status or STATUSES.get(exc.code)
    if status is None:  # a test keeps the table complete; should one slip through, say so
        log.error("domain error code without a status: %s", exc.code)
        return _internal_error()
    return problem_response(status, exc.code, exc.detail, _headers(exc), **exc.extra)


def _headers(exc: DomainError) -> dict[str, str]:
    headers = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if exc.challenge is not None:
        headers["WWW-Authenticate"] = exc.challenge
    return headers


def validation_problem(exc: ValidationError) -> Response:
    """422 ``validation_error`` listing every failing field, each named, in plain words."""
    part, model = _validated_part(exc.title)
    errors: list[dict[str, Any]] = []
    for error in exc.errors(include_url=False, include_input=False):
        place = validation.locate(model, error["loc"])
        errors.append(
            {
                "loc": validation.error_loc(error, place, part),
                "msg": validation.message(error, place, part),
                "type": error["type"],
            }
        )
    count = len(errors)
    detail = str(errors[0]["msg"]) if count == 1 else f"{count} fields failed validation"
    code = next(
        (e["type"] for e in errors if e["type"] in PROMOTED_ERROR_TYPES), "validation_error"
    )
    return problem_response(STATUSES[code], code, detail, errors=errors)


def _validated_part(title: str) -> tuple[str, type[BaseModel] | None]:
    """Which part of the request (body, query, path) the model named ``title`` validated."""
    view = current_app.view_functions.get(request.endpoint or "") if request else None
    try:
        hints = get_type_hints(inspect.unwrap(view)) if view is not None else {}
    except (NameError, TypeError):  # a view whose annotations do not resolve: no part known
        hints = {}
    for part in ("body", "query", "path"):
        model = hints.get(part)
        if isinstance(model, type) and issubclass(model, BaseModel) and model.__name__ == title:
            return part, model
    return "body", None


def _handle_raw_input_refused(exc: RawInputRefused) -> Response:
    return domain_problem(exc.error, exc.status)


def _handle_http_exception(exc: HTTPException) -> Response:
    if isinstance(exc.response, Response):  # already a full response (a validation problem)
        return exc.response
    status = exc.code or 500
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    code = HTTP_CODES.get(status, HTTP_ERROR)
    detail = _DETAILS.get(status) or exc.description or HTTPStatus(status).phrase
    return problem_response(status, code, detail, headers)


def _handle_database_unavailable(exc: Exception) -> Response:
    # A lost or refused connection (or the pool empty for too long): the pool reconnects on
    # its next checkout (pre-ping), so a retry shortly after succeeds.
    log.warning("database unavailable", extra={"error": type(exc).__name__})
    return problem_response(
        STATUSES["database_unavailable"],
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
    return _internal_error()


def _internal_error() -> Response:
    return problem_response(
        STATUSES["internal_error"], "internal_error", "An unexpected error occurred."
    )


def register_error_handlers(app: Flask) -> None:
    """Route every error a request can end in to a problem response."""
    app.register_error_handler(DomainError, domain_problem)
    app.register_error_handler(RawInputRefused, _handle_raw_input_refused)
    app.register_error_handler(ValidationError, validation_problem)
    app.register_error_handler(HTTPException, _handle_http_exception)
    for unavailable in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(unavailable, _handle_database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
