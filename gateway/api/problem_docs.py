"""The error codes each operation can answer, as /openapi.json tells them.

Routes name the codes their views can raise (``problem_responses("not_found", ...)``); the
codes the guards and input rules answer before any view runs are added here, to every
operation that passes through them. Each status's response lists its codes, one line each,
and constrains the problem's ``code`` to them, with an example per code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from types import MappingProxyType
from typing import Any, Final

from flask_openapi3.types import ResponseDict

from gateway.api.problems import PROBLEM_CONTENT_TYPE, RAW_INPUT_STATUSES, STATUSES
from gateway.pagination import RANGE_CODE

# What each code means, in one line: README's "Error codes" table says the same (a test checks).
MEANINGS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Any request: the HTTP layer, the input rules, keys and tokens, idempotency.
        "bad_request": "the request could not be read as HTTP (or the TLS handshake failed)",
        "malformed_json": (
            "the body is not valid JSON, uses NaN/Infinity, or nests deeper than 32 levels"
        ),
        "invalid_idempotency_key": "`Idempotency-Key` is not 1-255 printable ASCII characters",
        "unauthorized": "the API key, admin token or metrics token is missing or wrong",
        "forbidden": (
            "not allowed from here (`/metrics` from another host, a proxy request to gunicorn)"
        ),
        "admin_disabled": "the admin API is off: `STAMPGATE_ADMIN_TOKEN` is not set",
        "not_found": (
            "no such route, or no such object among this merchant's (another merchant's ids "
            "answer so too)"
        ),
        "method_not_allowed": "the route does not take this method (`Allow` lists those it does)",
        "conflict": "the object changed meanwhile; retry",
        "idempotency_conflict": "this `Idempotency-Key` was used with another request",
        "idempotency_in_progress": "the first request with this `Idempotency-Key` is still running",
        "payload_too_large": "the body is larger than `STAMPGATE_MAX_BODY_BYTES`",
        "uri_too_long": "the request line is longer than the limit",
        "unsupported_media_type": "send the body as `application/json`",
        "validation_error": "fields failed validation; `errors` names each one",
        "control_characters": (
            "text holds control characters: 422 in an API body (with `errors`), 400 in the "
            "URL or a POS webhook body"
        ),
        "too_many_attempts": (
            "over a rate limit or locked out; `Retry-After` says when to try again"
        ),
        "headers_too_large": "a request header is larger than the limit, or there are too many",
        "internal_error": "something unexpected failed (no internals are shown)",
        "not_implemented": "the request uses a transfer coding the server does not support",
        "unavailable": "the gateway behind the front is not answering; try again shortly",
        "database_unavailable": "the database cannot be reached; `Retry-After` says when to retry",
        "not_ready": "`/readyz`: the database or Redis is not reachable",
        # Programs, cards and sales.
        "probabilities_not_100": "the lottery variants' probabilities do not add up to exactly 100",
        "program_required": "name the program: the merchant has none, or several and no default",
        "currency_mismatch": (
            "the sale's currency, or the POS organization's, is not the merchant's"
        ),
        "invalid_card_number": (
            "the card number is not digits, or its check digit does not match (a typo); a "
            "well-formed number no card has is 404 `not_found`"
        ),
        "invalid_time_range": (
            "a list's `<name>_after` is not earlier than its `<name>_before` "
            "(`created_after`/`created_before` and the like); `errors` names both"
        ),
        "other_program": "the card belongs to another program (bulk issuing from the command line)",
        "card_exists": "the customer already has a card in this program",
        "sale_conflict": "this transaction id was sent before with another body",
        "refund_conflict": "this refund id was sent before with another body",
        "spin_already_played": "the lottery spin was played before",
        # Vouchers.
        "already_redeemed": "the voucher was redeemed already",
        "expired": "the voucher's validity has ended",
        "voided": "the voucher was voided",
        "not_active": "the voucher is not given to a card yet",
        "already_active": "the voucher is already given to a card",
        "not_redeemed": "only a redeemed voucher's redemption can be rolled back",
        "channel_not_allowed": "the voucher cannot be redeemed by the customer themselves",
        "code_pool_empty": "the voucher's code pool has no codes left",
        "code_space_exhausted": "no free code could be drawn from the pattern; use a longer one",
        "barcode_unsupported": (
            "the code has characters a Code 128 barcode cannot carry; use the QR code"
        ),
        # Redeem codes and code pools.
        "pattern_too_small": "the code pattern offers too few codes for the vouchers expected",
        "unknown_code_pool": "a code pool the reward names does not exist",
        "malformed_csv": "the uploaded CSV is not UTF-8 text or cannot be read",
        "unknown_code": "no voucher of this merchant has this redeem code",
        "customer_required": "several customers have this code: name the customer's card",
        "other_customer": "the code belongs to another customer's voucher",
        "held": "another till holds the voucher until its hold ends",
        "rollback_window_passed": "the redemption is too old to be rolled back",
        "already_rolled_back": "the redemption was rolled back already",
        # POS connections, POS webhooks and the Poster install callback.
        "bad_state": (
            "the Poster install callback came without a valid, unexpired install link state"
        ),
        "malformed_callback": "the Poster install callback lacks its code or account",
        "malformed_webhook": "a POS webhook body is not what that POS sends",
        "bad_signature": (
            "a Poster webhook's `verify` field does not match (or the account has no connection)"
        ),
        "bad_token": "a Syrve webhook does not carry the connection's webhook token",
        "url_not_allowed": (
            "the URL points where the gateway may not send (private networks, plain http)"
        ),
        "unknown_promotion": "the POS lists no such promotion",
        "unknown_coupon_series": (
            "the POS lists no such coupon series with coupons to hand out in the connection's "
            "organization"
        ),
        "pool_source_unsupported": (
            "the connection's POS offers no coupon series to fill a pool from (Poster)"
        ),
        "account_not_verified": (
            "the POS did not confirm that the credentials belong to the account"
        ),
        "connection_exists": "this merchant has this POS account connected already",
        "pos_auth_rejected": "the POS refused the connection's credentials",
        "not_retryable": "only failed, waiting or ignored POS events can be retried",
        "registration_not_supported": "this POS's webhooks are set up in the POS itself (Poster)",
        "pool_not_bound": "the code pool has no POS source to sync from",
        "poster_app_not_configured": "the Poster app's id and secret are not set",
        "pos_unreachable": "the POS could not be reached",
        "pos_error": "the POS answered with an error",
        "token_exchange_failed": "Poster did not exchange the install code for a token",
        "registration_not_confirmed": (
            "the POS answered, but its webhook settings read back show another webhook"
        ),
        "credentials_unreadable": (
            "the connection's credentials were sealed with another secret key"
        ),
        # Webhook endpoints and deliveries.
        "secret_unreadable": (
            "the endpoint's signing secret was sealed with another secret key: rotate it"
        ),
        "delivery_in_progress": "the webhook delivery is being attempted right now",
        # Campaigns.
        "channel_text_missing": (
            "a campaign channel has no text: `push_text` for wallet, `message_text` for email "
            "and messenger"
        ),
        "push_text_too_long": (
            "the campaign's `push_text` is longer than 20 characters (grapheme clusters)"
        ),
        "not_a_voucher_reward": "a campaign attaches only a voucher reward (`type: voucher`)",
        "send_at_in_past": "the campaign's `send_at` is in the past",
        "empty_segment": "no card of the program is in the campaign's segment",
        "campaign_finished": "the campaign was sent or cancelled already",
        # Wallet passes.
        "wallet_pem_unreadable": "a certificate or key field is not a readable PEM block",
        "wallet_key_mismatch": "the private key does not belong to the Pass Type ID certificate",
        "wallet_certificate_expired": "the Pass Type ID certificate is no longer valid",
        "wallet_image_invalid": "a Wallet design image is not a PNG of the allowed size",
        "wallet_key_unreadable": (
            "the Wallet key was sealed with another secret key: upload the credentials again"
        ),
        # Google Wallet.
        "google_service_account_invalid": (
            "`service_account` is not a Google service-account JSON key file"
        ),
        "google_key_unreadable": "the service account's `private_key` is not an RSA key in PEM",
        "google_credentials_unreadable": (
            "the Google service account was sealed with another secret key: put it again"
        ),
    }
)
# Where a response's declared codes travel from the route to the document (removed there).
CODES_KEY: Final = "x-problem-codes"
PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}
_BODY_METHODS = frozenset({"post", "put", "patch"})
_EXAMPLE_ERRORS = [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}]

Answer = tuple[int, str]  # (status, code)


def problem_responses(*codes: str) -> ResponseDict:
    """Document the problem codes a route's view can answer, grouped by their status."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for code in codes:
        if code not in STATUSES:
            raise ValueError(f"{code!r} is no error code of gateway/api/problems.py STATUSES")
        by_status[STATUSES[code]].append(code)
    return {
        status: {"description": HTTPStatus(status).phrase, CODES_KEY: listed}
        for status, listed in by_status.items()
    }


def guard_answers(method: str, operation: Mapping[str, Any], validates: bool) -> set[Answer]:
    """What the app's rules, the request models and the blueprint guards answer before (or
    around) the operation's view."""
    answers: set[Answer] = {
        (RAW_INPUT_STATUSES["control_characters"], "control_characters"),  # in the URL
        (STATUSES["internal_error"], "internal_error"),
    }
    if validates:
        answers.add((STATUSES["validation_error"], "validation_error"))
    if _has_time_range(operation):
        answers.add((STATUSES[RANGE_CODE], RANGE_CODE))
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if not schemes:  # a public door (operations, POS webhooks) names its own
        return answers
    guard = ["unauthorized", "too_many_attempts", "database_unavailable"]
    if "adminToken" in schemes:
        guard.append("admin_disabled")
    if method in _BODY_METHODS:
        guard += ["malformed_json", "payload_too_large", "unsupported_media_type"]
        guard += ["control_characters"]  # in the JSON body: 422
    if method == "post":
        guard += ["invalid_idempotency_key", "idempotency_conflict", "idempotency_in_progress"]
    return answers | {(STATUSES[code], code) for code in guard}


def _has_time_range(operation: Mapping[str, Any]) -> bool:
    """A list whose query takes a ``<name>_after`` / ``<name>_before`` pair checks its order."""
    query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    return any(
        f"{name.removesuffix('_after')}_before" in query
        for name in query
        if name.endswith("_after")
    )


def describe_problems(method: str, operation: dict[str, Any], takes_input: bool) -> None:
    """Replace the operation's problem responses with one per status, listing its codes."""
    responses: dict[str, Any] = operation["responses"]
    # The library documents a 422 for every route with request models (header-only ones aside).
    answers = guard_answers(method, operation, validates=takes_input and "422" in responses)
    for status, response in list(responses.items()):
        declared = response.get(CODES_KEY, ())
        if int(status) >= HTTPStatus.BAD_REQUEST:  # rebuilt below from the answers
            answers |= {(int(status), code) for code in declared}
            del responses[status]
    by_status: dict[int, list[str]] = defaultdict(list)
    for answer_status, code in sorted(answers):
        by_status[answer_status].append(code)
    for answer_status, codes in by_status.items():
        responses[str(answer_status)] = problem_response_doc(answer_status, codes)
    operation["responses"] = dict(sorted(responses.items()))


def problem_response_doc(status: int, codes: Iterable[str]) -> dict[str, Any]:
    """The response of one status: its codes with their meanings, an enum, and examples."""
    codes = list(codes)
    phrase = HTTPStatus(status).phrase
    lines = "\n".join(f"- `{code}`: {MEANINGS[code]}" for code in codes)
    code_schema = {
        "enum": codes,
        "description": lines,
        "x-enumDescriptions": {code: MEANINGS[code] for code in codes},
    }
    schema = {**PROBLEM_REF, "properties": {"code": code_schema}}
    examples = {
        code: {"summary": MEANINGS[code], "value": _example(status, code)} for code in codes
    }
    return {
        "description": f"{phrase}; `code` is one of:\n\n{lines}",
        "content": {PROBLEM_CONTENT_TYPE: {"schema": schema, "examples": examples}},
    }


def _example(status: int, code: str) -> dict[str, Any]:
    meaning = MEANINGS[code]
    example: dict[str, Any] = {
        "type": f"urn:stampgate:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": meaning[0].upper() + meaning[1:] + ".",
        "code": code,
    }
    if code == "validation_error":
        example["errors"] = _EXAMPLE_ERRORS
    return example


def declared_answers(document: Mapping[str, Any]) -> dict[tuple[str, str], set[Answer]]:
    """(method, path) of every operation of a served document -> the answers it declares."""
    declared: dict[tuple[str, str], set[Answer]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            answers: set[Answer] = set()
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get(PROBLEM_CONTENT_TYPE, {})
                enum = media.get("schema", {}).get("properties", {}).get("code", {}).get("enum")
                answers |= {(int(status), code) for code in enum or ()}
            declared[method.upper(), path] = answers
    return declared
