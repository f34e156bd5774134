"""Event type routes: the catalog of outbound events, with the JSON Schema of each one's data."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import merchant_blueprint
from webhooks.payloads import EventTypeList, describe_event_types

event_types = merchant_blueprint(
    "event_types", __name__, Tag(name="Events", description="The event log.")
)


@event_types.get("/event-types", responses={200: EventTypeList})
def list_event_types() -> dict[str, Any]:
    """Every event type a webhook can deliver, with the JSON Schema of its ``data``."""
    return {"items": describe_event_types()}
