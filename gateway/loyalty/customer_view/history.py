"""The card page's recent history: the card's own events, as facts a page puts in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.loyalty.cards.models import Card
from webhooks.models import Event

SHOWN = 10


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One thing that happened to the card: ``kind``, with a count or a name where it has one."""

    at: datetime
    kind: str
    count: int | None = None
    name: str | None = None


# Event type -> (history kind, the data field it counts, the data field that names it). Other
# events (activations, refused codes, holds) are the merchant's business, not the customer's.
SHOWN_EVENTS: dict[str, tuple[str, str | None, str | None]] = {
    "card.created": ("joined", None, None),
    "card.stamped": ("stamped", "added", None),
    "card.stamps_reversed": ("stamps_reversed", "removed", None),
    "card.goal_reached": ("goal_reached", None, None),
    "reward.awarded": ("awarded", None, "award"),
    "voucher.issued": ("voucher_issued", None, "description"),
    "voucher.redeemed": ("voucher_redeemed", None, "description"),
    "voucher.expired": ("voucher_expired", None, "description"),
    "voucher.voided": ("voucher_voided", None, "description"),
    "lottery.spin_created": ("spin_earned", None, "lottery"),
    "lottery.played": ("spin_played", None, "name"),
}


def _count(data: dict[str, Any], field: str | None) -> int | None:
    value = data.get(field) if field else None
    return value if isinstance(value, int) else None


def _name(data: dict[str, Any], field: str | None) -> str | None:
    value = data.get(field) if field else None
    if isinstance(value, dict):  # an award: {"type", "description", ...}
        value = value.get("description")
    return value if isinstance(value, str) and value else None


def recent_history(session: Session, card: Card, limit: int = SHOWN) -> list[HistoryItem]:
    """The card's latest events that concern the customer, newest first."""
    events = session.scalars(
        select(Event)
        .where(
            Event.merchant_id == card.merchant_id,
            Event.card_id == card.id,
            Event.type.in_(SHOWN_EVENTS),
        )
        .order_by(Event.id.desc())
        .limit(limit)
    )
    items = []
    for event in events:
        kind, counted, named = SHOWN_EVENTS[event.type]
        items.append(
            HistoryItem(
                at=event.created_at,
                kind=kind,
                count=_count(event.data, counted),
                name=_name(event.data, named),
            )
        )
    return items
