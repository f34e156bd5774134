"""The staff scanner's desk: what a scanned or typed text names (a card or a voucher), and
redeeming a voucher at a seat.

Every refusal is recorded and announced as ``voucher.redemption_rejected`` with the seat and
its location, as promo codes refused on a sale are: a screenshot of a used voucher shown again
is how a merchant learns it is passed around.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError
from gateway.loyalty.cards.numbers import is_valid_card_number, normalize_card_number
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.codes.lookup import UNKNOWN_CODE, match_code
from gateway.loyalty.vouchers.holds import NOBODY
from gateway.loyalty.vouchers.lifecycle import card_number_of, expire_if_due
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.schemas import RedeemVoucher
from gateway.loyalty.vouchers.service import get_voucher, redeem_voucher
from webhooks.outbox import record_event

MAX_SCAN_LENGTH = 200


@dataclass(frozen=True)
class Seat:
    """Where the scanner is: its channel, the seat's location and the seat (as ``staff``)."""

    location: str
    staff: str
    channel: str = "staff"


@dataclass(frozen=True)
class Scanned:
    """What a scanned text names: a card's number, or a voucher and why it is refused (if it
    is); neither when nothing matches (``reason`` then says why)."""

    card_number: str | None = None
    voucher: Voucher | None = None
    reason: str | None = None


def look_up(session: Session, merchant_id: str, text: str, seat: Seat) -> Scanned:
    """The card or voucher a scan names; a voucher that cannot be redeemed is recorded refused."""
    text = text.strip()[:MAX_SCAN_LENGTH]
    digits = normalize_card_number(text)
    if is_valid_card_number(digits):
        try:
            return Scanned(card_number=get_card(session, merchant_id, digits).number)
        except DomainError as exc:
            if exc.code != "not_found":
                raise
    match = match_code(session, merchant_id, text, None, NOBODY, utcnow())
    if match.voucher is not None and expire_if_due(session, match.voucher):
        commit_unit(session)
    reason = match.reason
    if match.voucher is None and reason is None:
        reason = UNKNOWN_CODE
    if reason is not None:
        reject(session, merchant_id, text, reason, seat, match.voucher)
    return Scanned(voucher=match.voucher, reason=reason)


def redeem_at_seat(session: Session, merchant_id: str, voucher_id: str, seat: Seat) -> Voucher:
    """Redeem the voucher at the seat (channel ``staff``); a refusal is recorded, then raised."""
    body = RedeemVoucher(channel="staff", location=seat.location, staff=seat.staff)
    try:
        return redeem_voucher(session, merchant_id, voucher_id, body)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        session.rollback()
        voucher = get_voucher(session, merchant_id, voucher_id)
        reject(session, merchant_id, voucher.code or voucher.id, exc.code, seat, voucher)
        raise


def reject(
    session: Session,
    merchant_id: str,
    text: str,
    reason: str,
    seat: Seat,
    voucher: Voucher | None,
) -> None:
    """Record and announce a refused scan, then commit it."""
    card_number = card_number_of(session, voucher) if voucher is not None else None
    data = {
        "code": text,
        "reason": reason,
        "sale_id": None,
        "card_number": card_number,
        "voucher_id": voucher.id if voucher is not None else None,
        "channel": seat.channel,
        "location": seat.location,
        "staff": seat.staff,
    }
    card_id = voucher.card_id if voucher is not None else None
    record_event(session, merchant_id, "voucher.redemption_rejected", data, card_id=card_id)
    commit_unit(session)
