"""Promo codes on a sale: each redeems the sale customer's matching voucher, or is rejected.

A rejection is recorded and announced (``voucher.redemption_rejected``): a code that redeems
nothing is how a merchant learns of a screenshot passed around.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.loyalty.cards.models import Card
from gateway.loyalty.codes.text import code_key
from gateway.loyalty.vouchers.holds import Claimant, is_held_against
from gateway.loyalty.vouchers.lifecycle import expire_if_due
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.redeeming import RedeemRequest, redeem
from gateway.loyalty.vouchers.rejections import Rejection, record_rejection
from gateway.loyalty.vouchers.states import VoucherAction, refusal_reason


@dataclass(frozen=True)
class Till:
    """Where the sale's codes were shown: its POS transaction, location and connection."""

    transaction_id: str | None = None
    location: str | None = None
    connection_id: str | None = None


@dataclass(frozen=True)
class Redemption:
    """What one code on a sale did."""

    code: str
    status: str  # redeemed | rejected
    voucher_id: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The contract's ``redemptions[]`` item."""
        return {
            "code": self.code,
            "voucher_id": self.voucher_id,
            "status": self.status,
            "reason": self.reason,
        }


def _by_expiry(voucher: Voucher) -> tuple[bool, Any, Any]:
    # Oldest-expiring first; vouchers without an end date last.
    return (voucher.valid_until is None, voucher.valid_until, voucher.issued_at)


def redeem_codes(
    session: Session,
    merchant_id: str,
    codes: list[str],
    card: Card | None,
    sale_id: str,
    till: Till | None = None,
) -> list[Redemption]:
    """Redeem each code for the sale's customer (channel ``pos``); reject what matches nothing.

    A voucher the same POS transaction held (``POST /v1/codes/hold``) is redeemed under its hold.
    """
    return [
        _redeem_code(session, merchant_id, code, card, sale_id, till or Till()) for code in codes
    ]


def _redeem_code(
    session: Session,
    merchant_id: str,
    code: str,
    card: Card | None,
    sale_id: str,
    till: Till,
) -> Redemption:
    matching = session.scalars(
        select(Voucher).where(
            Voucher.merchant_id == merchant_id, Voucher.code_key == code_key(code)
        )
    ).all()
    for voucher in matching:
        expire_if_due(session, voucher)
    if not matching:
        return _reject(session, merchant_id, code, card, sale_id, "unknown_code")
    if card is None:
        return _reject(session, merchant_id, code, card, sale_id, "customer_required")
    own = sorted((v for v in matching if v.card_id == card.id), key=_by_expiry)
    if not own:
        return _reject(session, merchant_id, code, card, sale_id, "other_customer", matching[0])
    active = [voucher for voucher in own if voucher.status == "active"]
    claimant = Claimant(pos_transaction_id=till.transaction_id)
    usable = [voucher for voucher in active if not is_held_against(voucher, claimant, utcnow())]
    if not usable:
        reason = refusal_reason(own[0].status, VoucherAction.REDEEM)  # type: ignore[arg-type]
        reason = "held" if active else reason
        return _reject(session, merchant_id, code, card, sale_id, reason or "not_active", own[0])
    voucher = usable[0]
    request = RedeemRequest(
        channel="pos",
        location=till.location,
        sale_id=sale_id,
        pos_transaction_id=till.transaction_id,
        code=code,
        connection_id=till.connection_id,
    )
    try:
        redeem(session, voucher, request)
    except DomainError as refused:  # redeemed concurrently through another channel
        return _reject(session, merchant_id, code, card, sale_id, refused.code, voucher)
    return Redemption(code=code, status="redeemed", voucher_id=voucher.id)


def _reject(
    session: Session,
    merchant_id: str,
    code: str,
    card: Card | None,
    sale_id: str,
    reason: str,
    voucher: Voucher | None = None,
) -> Redemption:
    rejection = Rejection(reason=reason, code=code, card=card, voucher=voucher, sale_id=sale_id)
    record_rejection(session, merchant_id, rejection)
    voucher_id = voucher.id if voucher else None
    return Redemption(code=code, status="rejected", voucher_id=voucher_id, reason=reason)
