"""Writing events: in the caller's transaction, so a change and its event commit together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from gateway.ids import new_id
from webhooks.catalog import EVENT_TYPES
from webhooks.dispatch import fan_out
from webhooks.models import Event
from webhooks.signing import MAX_PAYLOAD_BYTES, envelope

# The longest timestamp an envelope carries; the row gets its real one when it is flushed.
_LONGEST_TIMESTAMP = "2000-01-01T00:00:00.000000Z"

EventListener = Callable[[Session, Event], None]
_listeners: list[EventListener] = []


def listen_to_events(listener: EventListener) -> None:
    """Call ``listener(session, event)`` for every event recorded from now on, in the event's
    transaction: features that follow changes (Wallet passes) hook here instead of into every
    service. Registering the same listener twice is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)


def stop_listening_to_events(listener: EventListener) -> None:
    """Undo :func:`listen_to_events` (an unknown listener is ignored)."""
    if listener in _listeners:
        _listeners.remove(listener)


def record_event(
    session: Session,
    merchant_id: str,
    event_type: str,
    data: dict[str, Any],
    card_id: str | None = None,
    exclude_endpoint: str | None = None,
    *,
    deliver: bool = True,
) -> Event:
    """Add an event to the session (the caller commits); unknown types are a programming error.

    Every enabled endpoint that wants the type gets a delivery (but ``exclude_endpoint``);
    ``deliver=False`` leaves the addressing to the caller.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = Event(
        id=new_id("evt"), merchant_id=merchant_id, type=event_type, card_id=card_id, data=data
    )
    size = len(envelope(event.id, event_type, _LONGEST_TIMESTAMP, merchant_id, data))
    if size > MAX_PAYLOAD_BYTES:  # payloads carry ids and a summary; this is a bug upstream
        raise ValueError(f"{event_type} event of {size} bytes exceeds {MAX_PAYLOAD_BYTES}")
    session.add(event)
    if deliver:
        fan_out(session, event, exclude_endpoint)
    for listener in _listeners:
        listener(session, event)
    return event
