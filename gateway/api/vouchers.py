"""Voucher routes: read, list, one-time issue, assign, redeem, void."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.db import request_session
from gateway.loyalty import vouchers as service
from gateway.loyalty.presenters import voucher_view
from gateway.loyalty.reward_models import Voucher
from gateway.loyalty.voucher_schemas import (
    AssignVoucher,
    GoodwillVoucher,
    RedeemVoucher,
    VoucherOut,
    VoucherPage,
    VoucherPath,
    VoucherQuery,
)

vouchers = merchant_blueprint(
    "vouchers", __name__, Tag(name="Vouchers", description="Smart Vouchers and their lifecycle.")
)
_REFUSALS = problem_responses(404, 409)


def _out(voucher: Voucher) -> dict[str, Any]:
    return voucher_view(request_session(), voucher)


@vouchers.get("/vouchers/<voucher_id>", responses={200: VoucherOut, **problem_responses(404)})
def get_voucher(path: VoucherPath) -> dict[str, Any]:
    """Read a voucher (one whose validity ended reads as expired)."""
    return _out(service.get_voucher(request_session(), current_merchant_id(), path.voucher_id))


@vouchers.get("/vouchers", responses={200: VoucherPage})
def list_vouchers(query: VoucherQuery) -> dict[str, Any]:
    """Vouchers, newest first, filtered by ``card`` number and ``status``."""
    page = service.list_vouchers(request_session(), current_merchant_id(), query)
    return {"items": [_out(voucher) for voucher in page.items], "next_cursor": page.next_cursor}


@vouchers.post("/vouchers", responses={201: VoucherOut, **problem_responses(404)})
def issue_voucher(body: GoodwillVoucher) -> tuple[dict[str, Any], int]:
    """Issue a one-time (goodwill) voucher: active with a card, issued without one."""
    return _out(service.issue_goodwill(request_session(), current_merchant_id(), body)), 201


@vouchers.post("/vouchers/<voucher_id>/assign", responses={200: VoucherOut, **_REFUSALS})
def assign_voucher(path: VoucherPath, body: AssignVoucher) -> dict[str, Any]:
    """Give an issued voucher to a card; it becomes active."""
    voucher = service.assign_voucher(
        request_session(), current_merchant_id(), path.voucher_id, body
    )
    return _out(voucher)


@vouchers.post("/vouchers/<voucher_id>/redeem", responses={200: VoucherOut, **_REFUSALS})
def redeem_voucher(path: VoucherPath, body: RedeemVoucher) -> dict[str, Any]:
    """Redeem a voucher; 409 ``already_redeemed``, ``expired``, ``voided``, ``not_active`` or
    ``channel_not_allowed`` when it cannot be."""
    voucher = service.redeem_voucher(
        request_session(), current_merchant_id(), path.voucher_id, body
    )
    return _out(voucher)


@vouchers.post("/vouchers/<voucher_id>/void", responses={200: VoucherOut, **_REFUSALS})
def void_voucher(path: VoucherPath) -> dict[str, Any]:
    """Cancel a voucher that is issued or active."""
    return _out(service.void_voucher(request_session(), current_merchant_id(), path.voucher_id))
