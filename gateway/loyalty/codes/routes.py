"""Redeem code routes for tills and POS systems: check, hold, redeem, release, roll back."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.db import request_session
from gateway.extensions import extensions
from gateway.loyalty.cards.presenters import voucher_view
from gateway.loyalty.codes import desk as code_desk
from gateway.loyalty.codes.attempts import code_attempt
from gateway.loyalty.codes.lookup import UNKNOWN_CODE
from gateway.loyalty.codes.presenters import check_out, hold_out, redemption_out
from gateway.loyalty.codes.schemas import (
    CodeCheck,
    CodeCheckOut,
    CodeHold,
    CodeRedeem,
    HoldOut,
    HoldPath,
    RedemptionOut,
    RedemptionPath,
    RollbackRedemption,
)
from gateway.loyalty.vouchers import redeeming as redemptions
from gateway.loyalty.vouchers.schemas import VoucherOut

codes = merchant_blueprint(
    "codes",
    __name__,
    Tag(name="Redeem codes", description="Check, hold and redeem voucher codes at the till."),
)
_REFUSALS = problem_responses(404, 409)


@codes.post("/codes/check", responses={200: CodeCheckOut, **problem_responses(404)})
def check_code(body: CodeCheck) -> dict[str, Any]:
    """Whether a code would redeem a voucher now (``reason`` says why not); changes nothing."""
    with code_attempt("check", body.code, body.location) as attempt:
        match = code_desk.check_code(request_session(), current_merchant_id(), body)
    if match.reason == UNKNOWN_CODE:
        attempt.unknown(body.code)
    return check_out(request_session(), match)


@codes.post("/codes/hold", responses={201: HoldOut, **_REFUSALS})
def hold_code(body: CodeHold) -> tuple[dict[str, Any], int]:
    """Hold the code's voucher for an open order; nobody else can redeem it until the hold
    is released, redeemed or expired."""
    with code_attempt("hold", body.code, body.location):
        hold = code_desk.hold_code(request_session(), current_merchant_id(), body)
    return hold_out(request_session(), hold), 201


@codes.post("/codes/redeem", responses={200: VoucherOut, **_REFUSALS})
def redeem_code(body: CodeRedeem) -> dict[str, Any]:
    """Redeem the code's voucher; 404 ``unknown_code``, 409 ``already_redeemed``, ``expired``,
    ``voided``, ``not_active``, ``held``, ``other_customer`` or ``customer_required``."""
    with code_attempt("redeem", body.code, body.location) as attempt:
        voucher = code_desk.redeem_code(request_session(), current_merchant_id(), body)
    attempt.redeemed()
    return voucher_view(request_session(), voucher)


@codes.delete("/holds/<hold_id>", responses={200: VoucherOut, **problem_responses(404)})
def release_hold(path: HoldPath) -> dict[str, Any]:
    """Release a hold early (the order was cancelled); the voucher is free again."""
    voucher = code_desk.release_hold(request_session(), current_merchant_id(), path.hold_id)
    return voucher_view(request_session(), voucher)


@codes.get("/redemptions/<redemption_id>", responses={200: RedemptionOut, **problem_responses(404)})
def get_redemption(path: RedemptionPath) -> dict[str, Any]:
    """Read a redemption (its id is the voucher's ``redemption_id``)."""
    session = request_session()
    redemption = redemptions.get_redemption(session, current_merchant_id(), path.redemption_id)
    return redemption_out(session, redemption)


@codes.post("/redemptions/<redemption_id>/rollback", responses={200: RedemptionOut, **_REFUSALS})
def rollback_redemption(path: RedemptionPath, body: RollbackRedemption) -> dict[str, Any]:
    """Undo a redemption within STAMPGATE_REDEMPTION_ROLLBACK_SECONDS; 409
    ``rollback_window_passed`` or ``already_rolled_back`` otherwise."""
    session = request_session()
    window = extensions().settings.redemption_rollback_window
    redemption = redemptions.rollback_redemption(
        session, current_merchant_id(), path.redemption_id, body.reason, window
    )
    return redemption_out(session, redemption)
