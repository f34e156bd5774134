"""What the scanner's pages show of cards, vouchers and spins (from the API's own shapes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from gateway.loyalty.cards import service as cards
from gateway.loyalty.cards.presenters import card_out
from gateway.loyalty.lottery.service import list_spins
from gateway.loyalty.programs.service import get_program
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.loyalty.vouchers.schemas import VoucherQuery
from gateway.loyalty.vouchers.service import list_vouchers
from gateway.pagination import PageQuery
from gateway.tenancy.seats import seat_names

SHOWN = 20


@dataclass(frozen=True)
class UsedAt:
    """When and where a voucher was used (or ended): the screenshot defence."""

    at: Any
    location: str | None
    seat: str | None
    channel: str | None


def card_screen(session: Session, merchant_id: str, number: str) -> dict[str, Any]:
    """A card's progress, its vouchers to redeem and its spins to play."""
    card = cards.get_card(session, merchant_id, number)
    active = VoucherQuery(card=card.number, status="active", limit=SHOWN)
    pending = list_spins(session, merchant_id, card.number, "pending", PageQuery(limit=SHOWN))
    return {
        "card": card_out(session, card),
        "program": get_program(session, merchant_id, card.program_id),
        "vouchers": [
            voucher_view(session, v) for v in list_vouchers(session, merchant_id, active).items
        ],
        "spins": pending.items,
    }


def used_at(session: Session, voucher: Voucher) -> UsedAt | None:
    """When and where a voucher that is no longer usable was redeemed, expired or voided."""
    names = seat_names(session, voucher.merchant_id)
    if voucher.status == "redeemed":
        staff = voucher.redeemed_staff
        return UsedAt(
            voucher.redeemed_at,
            voucher.redeemed_location,
            names.get(staff or "", staff),
            voucher.redeemed_channel,
        )
    if voucher.status == "expired":
        return UsedAt(voucher.expired_at or voucher.valid_until, None, None, None)
    if voucher.status == "voided":
        return UsedAt(voucher.voided_at, None, None, None)
    return None
