"""Redeem code routes: the cashier desk (check, hold, redeem, release) and code pools."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_openapi3.models.tag import Tag

from gateway.api.guards import (
    CSV_CONTENT_TYPE,
    accepts_csv,
    current_merchant_id,
    merchant_blueprint,
)
from gateway.api.openapi_docs import problem_responses, raw_body
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.loyalty.cards.numbers import CARD_LOOKUP
from gateway.loyalty.codes import desk as code_desk
from gateway.loyalty.codes import pools as service
from gateway.loyalty.codes.attempts import code_attempt
from gateway.loyalty.codes.export import export_codes
from gateway.loyalty.codes.lookup import CUSTOMER_REQUIRED, HELD, OTHER_CUSTOMER, UNKNOWN_CODE
from gateway.loyalty.codes.presenters import (
    check_out,
    hold_out,
    import_out,
    pools_out,
    redemption_out,
)
from gateway.loyalty.codes.schemas import (
    CodeCheck,
    CodeCheckOut,
    CodeHold,
    CodePoolCreate,
    CodePoolOut,
    CodePoolPage,
    CodePoolPath,
    CodeRedeem,
    HoldOut,
    HoldPath,
    PoolCodesJson,
    PoolImportOut,
    ProgramCodesPath,
    RedemptionOut,
    RedemptionPage,
    RedemptionPath,
    RollbackRedemption,
)
from gateway.loyalty.codes.uploads import Upload, add_codes, parse_codes, parse_csv
from gateway.loyalty.vouchers import redeeming as redemptions
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.loyalty.vouchers.schemas import RedemptionQuery, VoucherOut
from gateway.loyalty.vouchers.states import VoucherAction, refusals
from gateway.pagination import PageQuery

codes = merchant_blueprint(
    "codes",
    __name__,
    Tag(name="Redeem codes", description="Check, hold and redeem voucher codes at the till."),
)
# At the till: why a code does not redeem (another till may move the voucher first: conflict).
_TILL = problem_responses(
    "not_found",
    "invalid_card_number",
    UNKNOWN_CODE,
    CUSTOMER_REQUIRED,
    OTHER_CUSTOMER,
    HELD,
    "conflict",
    *refusals(VoucherAction.REDEEM),
)
_ROLLBACK = problem_responses(
    "not_found",
    "conflict",
    "rollback_window_passed",
    "already_rolled_back",
    *refusals(VoucherAction.ROLLBACK_REDEMPTION),
)
_ONE = problem_responses("not_found")
_CARD = problem_responses(*CARD_LOOKUP)


@codes.post("/codes/check", responses={200: CodeCheckOut, **_CARD})
def check_code(body: CodeCheck) -> dict[str, Any]:
    """Whether a code would redeem a voucher now (``reason`` says why not); changes no
    voucher. A used code or another customer's counts as a rejected code attempt."""
    with code_attempt("check", body.code, body.location) as attempt:
        match = code_desk.check_code(request_session(), current_merchant_id(), body)
    if match.reason == UNKNOWN_CODE:
        attempt.unknown(body.code)
    return check_out(request_session(), match)


@codes.post("/codes/hold", responses={201: HoldOut, **_TILL})
def hold_code(body: CodeHold) -> tuple[dict[str, Any], int]:
    """Hold the code's voucher for an open order; nobody else can redeem it until the hold
    is released, redeemed or expired."""
    with code_attempt("hold", body.code, body.location):
        hold = code_desk.hold_code(request_session(), current_merchant_id(), body)
    return hold_out(request_session(), hold), 201


@codes.post("/codes/redeem", responses={200: VoucherOut, **_TILL})
def redeem_code(body: CodeRedeem) -> dict[str, Any]:
    """Redeem the code's voucher; 404 ``unknown_code``, 409 ``already_redeemed``, ``expired``,
    ``voided``, ``not_active``, ``held``, ``other_customer`` or ``customer_required``."""
    with code_attempt("redeem", body.code, body.location) as attempt:
        voucher = code_desk.redeem_code(request_session(), current_merchant_id(), body)
    attempt.redeemed()
    return voucher_view(request_session(), voucher)


@codes.delete("/holds/<hold_id>", responses={200: VoucherOut, **_ONE})
def release_hold(path: HoldPath) -> dict[str, Any]:
    """Release a hold early (the order was cancelled); the voucher is free again."""
    voucher = code_desk.release_hold(request_session(), current_merchant_id(), path.hold_id)
    return voucher_view(request_session(), voucher)


@codes.get("/redemptions", responses={200: RedemptionPage, **_CARD})
def list_redemptions(query: RedemptionQuery) -> dict[str, Any]:
    """Every redemption, by any channel, newest first: by voucher, card (404 for an unknown
    number), status, channel, location and time."""
    session = request_session()
    page = redemptions.list_redemptions(session, current_merchant_id(), query)
    items = [redemption_out(session, item) for item in page.items]
    return {"items": items, "next_cursor": page.next_cursor}


@codes.get("/redemptions/<redemption_id>", responses={200: RedemptionOut, **_ONE})
def get_redemption(path: RedemptionPath) -> dict[str, Any]:
    """Read a redemption (its id is the voucher's ``redemption_id``)."""
    session = request_session()
    redemption = redemptions.get_redemption(session, current_merchant_id(), path.redemption_id)
    return redemption_out(session, redemption)


@codes.post("/redemptions/<redemption_id>/rollback", responses={200: RedemptionOut, **_ROLLBACK})
def rollback_redemption(path: RedemptionPath, body: RollbackRedemption) -> dict[str, Any]:
    """Undo a redemption within STAMPGATE_REDEMPTION_ROLLBACK_SECONDS; 409
    ``rollback_window_passed`` or ``already_rolled_back`` otherwise."""
    session = request_session()
    window = extensions().settings.redemption_rollback_window
    redemption = redemptions.rollback_redemption(
        session, current_merchant_id(), path.redemption_id, body.reason, window
    )
    return redemption_out(session, redemption)


code_pools = merchant_blueprint(
    "code_pools",
    __name__,
    Tag(name="Code pools", description="Codes imported from the POS, one per voucher."),
)


UPLOAD = "Codes as CSV (one per line, or a ``code`` column) or as JSON"
CSV_UPLOAD = {"schema": {"type": "string"}, "example": "code\nPZ-7K3M-Q9XD\nPZ-4HRT-2WNB\n"}
CSV_RESPONSE = {
    "description": "CSV: code,status,voucher_id,card_number,valid_until,issued_at,mode",
    "content": {CSV_CONTENT_TYPE: {"schema": {"type": "string"}}},
}


@code_pools.post("/code-pools", responses={201: CodePoolOut})
def create_pool(body: CodePoolCreate) -> tuple[dict[str, Any], int]:
    """Create an empty pool; vouchers draw from it with ``{"mode":"pool","pool_id":...}``."""
    pool = service.create_pool(request_session(), current_merchant_id(), body.name)
    return pools_out(request_session(), [pool])[0], 201


@code_pools.get("/code-pools", responses={200: CodePoolPage})
def list_pools(query: PageQuery) -> dict[str, Any]:
    """The merchant's pools, newest first, with free and taken codes."""
    page = service.list_pools(request_session(), current_merchant_id(), query)
    return {
        "items": pools_out(request_session(), list(page.items)),
        "next_cursor": page.next_cursor,
    }


@code_pools.get("/code-pools/<pool_id>", responses={200: CodePoolOut, **_ONE})
def get_pool(path: CodePoolPath) -> dict[str, Any]:
    """Read a pool: how many codes are free (``available``) and given out (``taken``)."""
    pool = service.get_pool(request_session(), current_merchant_id(), path.pool_id)
    return pools_out(request_session(), [pool])[0]


def _upload() -> Upload:
    if request.mimetype == CSV_CONTENT_TYPE:
        return parse_csv(request.get_data())
    body = PoolCodesJson.model_validate(request.get_json(silent=True) or {})
    return parse_codes(enumerate(body.codes, start=1))


@code_pools.post(
    "/code-pools/<pool_id>/codes",
    responses={200: PoolImportOut, **problem_responses("not_found", "malformed_csv")},
    openapi_extensions=raw_body(code_pools, PoolCodesJson, UPLOAD, csv=CSV_UPLOAD),
)
@accepts_csv
def add_pool_codes(path: CodePoolPath) -> dict[str, Any]:
    """Add codes as CSV (one per line, or a ``code`` column) or JSON ``{"codes":[...]}``:
    duplicates are skipped and bad rows refused, each reported with its line."""
    # The body is read by _upload (CSV or JSON), so it is documented apart.
    report = add_codes(request_session(), current_merchant_id(), path.pool_id, _upload())
    return import_out(request_session(), report)


@code_pools.get(
    "/programs/<program_id>/codes.csv",
    responses={200: CSV_RESPONSE, **_ONE},
)
def export_program_codes(path: ProgramCodesPath) -> Response:
    """The program's issued unique and pool codes with their status, as CSV for a POS."""
    factory = extensions().session_factory
    lines = export_codes(request_session(), current_merchant_id(), path.program_id, factory)
    response = Response(lines, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{path.program_id}-codes.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
