"""Event routes: the log of every state change, the same events the webhooks deliver."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.db import request_session
from webhooks.events import EventPage, EventQuery, event_out, list_events

events = merchant_blueprint("events", __name__, Tag(name="Events", description="The event log."))


@events.get("/events", responses={200: EventPage})
def list_merchant_events(query: EventQuery) -> dict[str, Any]:
    """Events by ``type``: newest first, or oldest first after the event id in ``after``."""
    page, order = list_events(request_session(), current_merchant_id(), query)
    return {
        "items": [event_out(e) for e in page.items],
        "next_cursor": page.next_cursor,
        "order": order,
    }
