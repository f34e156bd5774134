"""Inbound event routes: what the POS sent, how processing went, and retrying by hand."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from connectors.inbox import service
from connectors.inbox.service import InboundOut, InboundPage, InboundPath, InboundQuery, inbound_out
from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session

inbound = merchant_blueprint(
    "inbound",
    __name__,
    Tag(name="Inbound events", description="POS webhooks as received and processed."),
)
_ONE = problem_responses("not_found")


@inbound.get("/inbound-events", responses={200: InboundPage})
def list_inbound_events(query: InboundQuery) -> dict[str, Any]:
    """Inbound events, newest first; filter by ``status`` (e.g. ``failed``) or connection."""
    page = service.list_inbound(request_session(), current_merchant_id(), query)
    return {"items": [inbound_out(item) for item in page.items], "next_cursor": page.next_cursor}


@inbound.get("/inbound-events/<event_id>", responses={200: InboundOut, **_ONE})
def get_inbound_event(path: InboundPath) -> dict[str, Any]:
    """One inbound event with its payload, result or error."""
    return inbound_out(service.get_inbound(request_session(), current_merchant_id(), path.event_id))


@inbound.post(
    "/inbound-events/<event_id>/retry",
    responses={200: InboundOut, **problem_responses("not_found", "not_retryable")},
)
def retry_inbound_event(path: InboundPath) -> dict[str, Any]:
    """Process a failed, waiting or ignored event again now."""
    event = service.retry_inbound(request_session(), current_merchant_id(), path.event_id)
    return inbound_out(event)
