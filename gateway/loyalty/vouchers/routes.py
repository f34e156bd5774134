"""Voucher routes: read, list, one-time issue, assign, redeem, void, and code pictures."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, request
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.loyalty.cards.numbers import CARD_LOOKUP
from gateway.loyalty.programs.rewards import REWARD_REFUSALS
from gateway.loyalty.vouchers import service
from gateway.loyalty.vouchers.images import RENDERERS
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.loyalty.vouchers.schemas import (
    AssignVoucher,
    GoodwillVoucher,
    RedeemVoucher,
    VoucherOut,
    VoucherPage,
    VoucherPath,
    VoucherQuery,
)
from gateway.loyalty.vouchers.states import CHANNEL_NOT_ALLOWED, VoucherAction, refusals

vouchers = merchant_blueprint(
    "vouchers", __name__, Tag(name="Vouchers", description="Smart Vouchers and their lifecycle.")
)
# Another request may move the voucher first (``conflict``: retry).
_CHANGE = ("not_found", "conflict")
_ASSIGN = problem_responses(*_CHANGE, "invalid_card_number", *refusals(VoucherAction.ACTIVATE))
_REDEEM = problem_responses(*_CHANGE, "held", CHANNEL_NOT_ALLOWED, *refusals(VoucherAction.REDEEM))
_VOID = problem_responses(*_CHANGE, *refusals(VoucherAction.VOID))
_GOODWILL = (*CARD_LOOKUP, "code_pool_empty", "code_space_exhausted", *REWARD_REFUSALS)
# Pictures are private to the merchant; a pool voucher's picture changes once it gets its code.
_PICTURE_CACHE = "private, max-age=300"


def _picture_docs(content_type: str, *codes: str) -> ResponseDict:
    return {
        200: {
            "description": "The voucher's code (or its id when it has none)",
            "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
        },
        **problem_responses("not_found", *codes),
    }


def _out(voucher: Voucher) -> dict[str, Any]:
    return voucher_view(request_session(), voucher)


@vouchers.get(
    "/vouchers/<voucher_id>", responses={200: VoucherOut, **problem_responses("not_found")}
)
def get_voucher(path: VoucherPath) -> dict[str, Any]:
    """Read a voucher (one whose validity ended reads as expired)."""
    return _out(service.get_voucher(request_session(), current_merchant_id(), path.voucher_id))


@vouchers.get("/vouchers", responses={200: VoucherPage, **problem_responses(*CARD_LOOKUP)})
def list_vouchers(query: VoucherQuery) -> dict[str, Any]:
    """Vouchers, newest first, filtered by ``card`` number (404 when unknown) and ``status``."""
    page = service.list_vouchers(request_session(), current_merchant_id(), query)
    return {"items": [_out(voucher) for voucher in page.items], "next_cursor": page.next_cursor}


@vouchers.post("/vouchers", responses={201: VoucherOut, **problem_responses(*_GOODWILL)})
def issue_voucher(body: GoodwillVoucher) -> tuple[dict[str, Any], int]:
    """Issue a one-time (goodwill) voucher: active with a card, issued without one."""
    return _out(service.issue_goodwill(request_session(), current_merchant_id(), body)), 201


@vouchers.post("/vouchers/<voucher_id>/assign", responses={200: VoucherOut, **_ASSIGN})
def assign_voucher(path: VoucherPath, body: AssignVoucher) -> dict[str, Any]:
    """Give an issued voucher to a card; it becomes active."""
    voucher = service.assign_voucher(
        request_session(), current_merchant_id(), path.voucher_id, body
    )
    return _out(voucher)


@vouchers.post("/vouchers/<voucher_id>/redeem", responses={200: VoucherOut, **_REDEEM})
def redeem_voucher(path: VoucherPath, body: RedeemVoucher) -> dict[str, Any]:
    """Redeem a voucher; 409 ``already_redeemed``, ``expired``, ``voided``, ``not_active`` or
    ``channel_not_allowed`` when it cannot be."""
    voucher = service.redeem_voucher(
        request_session(), current_merchant_id(), path.voucher_id, body
    )
    return _out(voucher)


@vouchers.post("/vouchers/<voucher_id>/void", responses={200: VoucherOut, **_VOID})
def void_voucher(path: VoucherPath) -> dict[str, Any]:
    """Cancel a voucher that is issued or active."""
    return _out(service.void_voucher(request_session(), current_merchant_id(), path.voucher_id))


def _picture(voucher_id: str, kind: str) -> Response:
    text = service.scan_text(request_session(), current_merchant_id(), voucher_id)
    render, content_type = RENDERERS[kind]
    response = Response(render(text), content_type=content_type)
    response.set_etag(hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest())
    response.headers["Cache-Control"] = _PICTURE_CACHE
    response.vary.add("Authorization")
    response.make_conditional(request)
    return response


@vouchers.get("/vouchers/<voucher_id>/qr.svg", responses=_picture_docs("image/svg+xml"))
def voucher_qr_svg(path: VoucherPath) -> Response:
    """The voucher's code as a QR code (SVG)."""
    return _picture(path.voucher_id, "qr.svg")


@vouchers.get("/vouchers/<voucher_id>/qr.png", responses=_picture_docs("image/png"))
def voucher_qr_png(path: VoucherPath) -> Response:
    """The voucher's code as a QR code (PNG)."""
    return _picture(path.voucher_id, "qr.png")


@vouchers.get(
    "/vouchers/<voucher_id>/barcode.svg",
    responses=_picture_docs("image/svg+xml", "barcode_unsupported"),
)
def voucher_barcode_svg(path: VoucherPath) -> Response:
    """The voucher's code as a Code 128 barcode (SVG); 409 ``barcode_unsupported`` for
    characters Code 128 cannot carry."""
    return _picture(path.voucher_id, "barcode.svg")


@vouchers.get(
    "/vouchers/<voucher_id>/barcode.png",
    responses=_picture_docs("image/png", "barcode_unsupported"),
)
def voucher_barcode_png(path: VoucherPath) -> Response:
    """The voucher's code as a Code 128 barcode (PNG)."""
    return _picture(path.voucher_id, "barcode.png")
