"""The cashier's code desk: check a code, hold its voucher for an order, redeem it, release.

Exactly once: holds and redemptions are conditional UPDATEs (``holds.place_hold`` and
``vouchers.lifecycle.move``), so of any number of concurrent calls on one voucher, across
processes, one wins and the others are answered with the winner's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import commit_unit, commit_unit_of_work, utcnow
from gateway.errors import DomainError, not_found
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.codes.lookup import (
    CUSTOMER_REQUIRED,
    HELD,
    OTHER_CUSTOMER,
    UNKNOWN_CODE,
    CodeMatch,
    match_code,
    verdict,
)
from gateway.loyalty.codes.rejections import REUSE_SIGNS, counting_refusals, note_rejection
from gateway.loyalty.codes.schemas import CodeCheck, CodeHold, CodeRedeem
from gateway.loyalty.vouchers.holds import Claimant, place_hold, release
from gateway.loyalty.vouchers.lifecycle import expire_if_due
from gateway.loyalty.vouchers.models import Voucher, VoucherRedemption
from gateway.loyalty.vouchers.redeeming import RedeemRequest, redeem
from gateway.loyalty.vouchers.states import REFUSAL_DETAILS

_DETAILS = {
    UNKNOWN_CODE: "No voucher of this merchant has this code.",
    CUSTOMER_REQUIRED: "Several customers have this code; give the customer's card_number.",
    OTHER_CUSTOMER: "The code belongs to another customer's voucher.",
    HELD: "Another till holds the voucher until its hold ends.",
}


@dataclass(frozen=True)
class Hold:
    """A hold placed on a voucher."""

    voucher: Voucher
    hold_id: str
    expires_at: datetime


def check_code(session: Session, merchant_id: str, body: CodeCheck) -> CodeMatch:
    """Would the code redeem a voucher now, and which; changes no voucher. A used code (or
    another customer's) is kept as a rejected attempt: a screenshot shown at the till."""
    card = get_card(session, merchant_id, body.card_number) if body.card_number else None
    claimant = Claimant(hold_id=body.hold_id, pos_transaction_id=body.pos_transaction_id)
    match = match_code(session, merchant_id, body.code, card, claimant, utcnow())
    if match.reason in REUSE_SIGNS:
        note_rejection(session, merchant_id, "check", match.reason, body.location)
    return match


def hold_code(session: Session, merchant_id: str, body: CodeHold) -> Hold:
    """Hold the code's voucher for ``ttl_seconds``; nobody else can redeem it meanwhile."""
    claimant = Claimant(pos_transaction_id=body.pos_transaction_id)

    def hold() -> Hold:
        card = get_card(session, merchant_id, body.card_number) if body.card_number else None
        now = utcnow()
        voucher = _usable(session, match_code(session, merchant_id, body.code, card, claimant, now))
        if not place_hold(session, voucher, claimant, timedelta(seconds=body.ttl_seconds), now):
            session.refresh(voucher)  # a concurrent hold or redemption won
            _refuse(session, CodeMatch(voucher, verdict(voucher, claimant, now) or "conflict"))
        assert voucher.hold_id is not None
        assert voucher.held_until is not None
        return Hold(voucher, voucher.hold_id, voucher.held_until)

    with counting_refusals(session, merchant_id, "hold", body.location):
        return commit_unit_of_work(session, hold)


def redeem_code(session: Session, merchant_id: str, body: CodeRedeem) -> Voucher:
    """Redeem the code's voucher at the till (channel ``pos``), under its hold if it has one.

    A retry of a redemption that already succeeded for the same ``pos_transaction_id`` answers
    with the voucher again instead of ``already_redeemed``.
    """
    claimant = Claimant(hold_id=body.hold_id, pos_transaction_id=body.pos_transaction_id)
    request = RedeemRequest(
        channel="pos",
        location=body.location,
        staff=body.staff,
        pos_transaction_id=body.pos_transaction_id,
        hold_id=body.hold_id,
        code=body.code,
    )

    def redeem_once() -> Voucher:
        card = get_card(session, merchant_id, body.card_number) if body.card_number else None
        match = match_code(session, merchant_id, body.code, card, claimant, utcnow())
        if match.voucher is not None and _redeemed_by(session, match.voucher, body):
            return match.voucher
        voucher = _usable(session, match)
        redeem(session, voucher, request)
        return voucher

    with counting_refusals(session, merchant_id, "redeem", body.location, body.staff):
        return commit_unit_of_work(session, redeem_once)


def release_hold(session: Session, merchant_id: str, hold_id: str) -> Voucher:
    """End a hold early (the order was cancelled); the voucher is free again."""
    voucher = session.scalar(
        select(Voucher).where(Voucher.hold_id == hold_id, Voucher.merchant_id == merchant_id)
    )
    if voucher is None or not release(session, voucher, hold_id):
        raise not_found("hold")
    commit_unit(session)
    return voucher


def _redeemed_by(session: Session, voucher: Voucher, body: CodeRedeem) -> bool:
    if body.pos_transaction_id is None or voucher.redemption_id is None:
        return False
    redemption = session.get(VoucherRedemption, voucher.redemption_id)
    return redemption is not None and redemption.pos_transaction_id == body.pos_transaction_id


def _usable(session: Session, match: CodeMatch) -> Voucher:
    if match.voucher is None or match.reason is not None:
        _refuse(session, match)
    return match.voucher


def _refuse(session: Session, match: CodeMatch) -> NoReturn:
    reason = match.reason or "conflict"
    if match.voucher is not None and expire_if_due(session, match.voucher):
        commit_unit(session)  # the lazy expiry stands on its own, whatever this request does
    detail = (
        _DETAILS.get(reason)
        or REFUSAL_DETAILS.get(reason)
        or f"The voucher cannot be redeemed ({reason})."
    )
    raise DomainError(reason, detail)
