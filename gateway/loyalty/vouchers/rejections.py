"""Refused redemptions are announced (``voucher.redemption_rejected``), whichever door refused
them: a promo code on a sale, or a voucher page. A refusal is how a merchant learns of a
screenshot passed around or a code guessed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gateway.loyalty.cards.models import Card
from gateway.loyalty.vouchers.models import Voucher
from webhooks.outbox import record_event


@dataclass(frozen=True)
class Rejection:
    """What was presented, why it redeemed nothing, and where."""

    reason: str
    code: str | None
    card: Card | None = None
    voucher: Voucher | None = None
    sale_id: str | None = None
    channel: str | None = None


def record_rejection(session: Session, merchant_id: str, rejection: Rejection) -> None:
    """Record the ``voucher.redemption_rejected`` event of a refused redemption (the caller
    commits)."""
    card = rejection.card
    data = {
        "code": rejection.code,
        "reason": rejection.reason,
        "sale_id": rejection.sale_id,
        "card_number": card.number if card else None,
        "voucher_id": rejection.voucher.id if rejection.voucher else None,
    }
    if rejection.channel is not None:
        data["channel"] = rejection.channel
    record_event(
        session, merchant_id, "voucher.redemption_rejected", data, card_id=card.id if card else None
    )
