"""Redemptions: every successful redemption is recorded, and can be rolled back within a window.

All redeem paths (the voucher route, the cashier code routes, promo codes on a sale) go through
``redeem``, so each leaves one ``redemptions`` row that a rollback can undo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.vouchers.holds import Claimant
from gateway.loyalty.vouchers.lifecycle import expire_if_due, move
from gateway.loyalty.vouchers.models import Voucher, VoucherRedemption
from gateway.loyalty.vouchers.schemas import RedemptionQuery
from gateway.loyalty.vouchers.states import VoucherAction
from gateway.ownership import owned_by
from gateway.pagination import Page, fetch_page

_UNREDEEMED = {
    "redeemed_at": None,
    "redeemed_channel": None,
    "redeemed_location": None,
    "redeemed_staff": None,
    "redeemed_sale_id": None,
    "redemption_id": None,
}


@dataclass(frozen=True)
class RedeemRequest:
    """How and where a voucher is redeemed; ``hold_id``/``pos_transaction_id`` claim a hold."""

    channel: str
    location: str | None = None
    staff: str | None = None
    pos_transaction_id: str | None = None
    sale_id: str | None = None
    hold_id: str | None = None
    code: str | None = None
    connection_id: str | None = None  # the POS connection whose sale redeems it


def redeem(session: Session, voucher: Voucher, request: RedeemRequest) -> VoucherRedemption:
    """Redeem the voucher once and record the redemption (the caller commits)."""
    redemption_id = new_id("red")
    now = utcnow()
    values = {
        "redeemed_at": now,
        "redeemed_channel": request.channel,
        "redeemed_location": request.location,
        "redeemed_staff": request.staff,
        "redeemed_sale_id": request.sale_id,
        "redemption_id": redemption_id,
    }
    details = {
        "channel": request.channel,
        "location": request.location,
        "staff": request.staff,
        "sale_id": request.sale_id,
        "pos_transaction_id": request.pos_transaction_id,
        "redemption_id": redemption_id,
    }
    claimant = Claimant(hold_id=request.hold_id, pos_transaction_id=request.pos_transaction_id)
    move(session, voucher, VoucherAction.REDEEM, values, details, claimant)
    redemption = VoucherRedemption(
        id=redemption_id,
        merchant_id=voucher.merchant_id,
        voucher_id=voucher.id,
        card_id=voucher.card_id,
        code=request.code or voucher.code,
        channel=request.channel,
        location=request.location,
        staff=request.staff,
        connection_id=request.connection_id,
        pos_transaction_id=request.pos_transaction_id,
        sale_id=request.sale_id,
        hold_id=request.hold_id,
        redeemed_at=now,
    )
    session.add(redemption)
    return redemption


def get_redemption(session: Session, merchant_id: str, redemption_id: str) -> VoucherRedemption:
    """One of the merchant's redemptions, or 404."""
    return owned_by(session, VoucherRedemption, redemption_id, merchant_id, "redemption")


def list_redemptions(
    session: Session, merchant_id: str, query: RedemptionQuery
) -> Page[VoucherRedemption]:
    """The merchant's redemptions, newest first, narrowed by the query's filters (an unknown
    ``card`` answers 404, as for vouchers)."""
    statement = select(VoucherRedemption).where(VoucherRedemption.merchant_id == merchant_id)
    if query.voucher is not None:
        statement = statement.where(VoucherRedemption.voucher_id == query.voucher)
    if query.card is not None:
        card = get_card(session, merchant_id, query.card)
        statement = statement.where(VoucherRedemption.card_id == card.id)
    if query.status == "redeemed":
        statement = statement.where(VoucherRedemption.rolled_back_at.is_(None))
    elif query.status == "rolled_back":
        statement = statement.where(VoucherRedemption.rolled_back_at.is_not(None))
    if query.channel is not None:
        statement = statement.where(VoucherRedemption.channel == query.channel)
    if query.location is not None:
        statement = statement.where(VoucherRedemption.location == query.location)
    return fetch_page(
        session, statement, VoucherRedemption.id, VoucherRedemption.redeemed_at, query
    )


def rollback_redemption(
    session: Session, merchant_id: str, redemption_id: str, reason: str | None, window: timedelta
) -> VoucherRedemption:
    """Undo a redemption within ``window``: the voucher is active again (or expired by now)."""

    def undo() -> VoucherRedemption:
        redemption = get_redemption(session, merchant_id, redemption_id)
        session.refresh(redemption)
        if redemption.rolled_back_at is not None:
            raise _already_rolled_back()
        now = utcnow()
        if now - redemption.redeemed_at > window:
            raise DomainError(
                "rollback_window_passed",
                f"Redemptions can be rolled back for {int(window.total_seconds())} seconds.",
            )
        claimed = session.execute(
            update(VoucherRedemption)
            .where(
                VoucherRedemption.id == redemption.id, VoucherRedemption.rolled_back_at.is_(None)
            )
            .values(rolled_back_at=now, rollback_reason=reason)
            .execution_options(synchronize_session="fetch")
        )
        if getattr(claimed, "rowcount", 0) != 1:  # a concurrent rollback won
            raise _already_rolled_back()
        voucher = session.get(Voucher, redemption.voucher_id)
        assert voucher is not None  # a foreign key guarantees it
        details = {"redemption_id": redemption.id, "reason": reason}
        move(session, voucher, VoucherAction.ROLLBACK_REDEMPTION, _UNREDEEMED, details)
        expire_if_due(session, voucher)
        return redemption

    return commit_unit_of_work(session, undo)


def _already_rolled_back() -> DomainError:
    return DomainError("already_rolled_back", "The redemption was already rolled back.")
