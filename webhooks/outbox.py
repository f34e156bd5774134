"""Writing events: in the caller's transaction, so a change and its event commit together."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.ids import new_id
from webhooks.catalog import EVENT_TYPES
from webhooks.models import Event


def record_event(
    session: Session,
    merchant_id: str,
    event_type: str,
    data: dict[str, Any],
    card_id: str | None = None,
) -> Event:
    """Add an event to the session (the caller commits); unknown types are a programming error."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = Event(
        id=new_id("evt"), merchant_id=merchant_id, type=event_type, card_id=card_id, data=data
    )
    session.add(event)
    return event
