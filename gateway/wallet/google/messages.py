"""Campaign messages on a card's Google Wallet pass: ``addMessage`` with ``TEXT_AND_NOTIFY``
while the pass has had fewer than 3 notifying messages in 24 hours (counted in the jobs
table), ``TEXT`` beyond that or when Google answers that the pass is over its quota."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.wallet.google.client import GoogleCallFailed, WalletClient
from gateway.wallet.google.models import GoogleJob

NOTIFICATIONS_PER_DAY = 3
NOTIFY_WINDOW = timedelta(hours=24)
NOTIFY = "TEXT_AND_NOTIFY"
QUIET = "TEXT"


@dataclass(frozen=True)
class Delivered:
    """How a message went: whether Google was asked to notify (and accepted), and why not."""

    notified: bool
    note: str | None = None


def may_notify(session: Session, card_id: str) -> bool:
    """Whether the card's pass is under its notifications of the last 24 hours."""
    since = utcnow() - NOTIFY_WINDOW
    sent = session.scalar(
        select(func.count()).where(
            GoogleJob.card_id == card_id,
            GoogleJob.kind == "message",
            GoogleJob.notified_at > since,
        )
    )
    return int(sent or 0) < NOTIFICATIONS_PER_DAY


def message_of(data: dict[str, Any], message_type: str) -> dict[str, Any]:
    """The Wallet message of a ``campaign.message`` event's data."""
    push = data.get("push_text") or ""
    return {
        "id": str(data.get("message_id") or data.get("campaign_id")),
        "header": push or "News",
        "body": data.get("message_text") or push,
        "messageType": message_type,
    }


def add_message(
    client: WalletClient, object_id: str, data: dict[str, Any], notify: bool
) -> Delivered:
    """Add the message to the object, notifying when allowed and Google agrees."""
    if not notify:
        client.add_message(object_id, message_of(data, QUIET))
        return Delivered(False, "sent as TEXT: 3 notifications in 24 h already")
    try:
        client.add_message(object_id, message_of(data, NOTIFY))
    except GoogleCallFailed as exc:
        if not exc.quota:
            raise
        client.add_message(object_id, message_of(data, QUIET))
        return Delivered(False, f"sent as TEXT: Google refused to notify ({exc.reason})")
    return Delivered(True)
