"""Webhook routes: endpoints, deliveries, the event log and the catalog of event types."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.pagination import PageQuery
from webhooks import endpoints as service
from webhooks.events import (
    EventDetail,
    EventPage,
    EventPath,
    EventQuery,
    event_detail,
    event_out,
    get_event,
    list_events,
)
from webhooks.payloads import EventTypeList, describe_event_types
from webhooks.presenters import delivery_out, endpoint_out
from webhooks.schemas import (
    Accepted,
    DeliveryDetail,
    DeliveryOut,
    DeliveryPage,
    DeliveryPath,
    DeliveryQuery,
    EndpointCreate,
    EndpointCreated,
    EndpointOut,
    EndpointPage,
    EndpointPatch,
    EndpointPath,
    EndpointSecret,
    RecoverRequest,
    SecretRotated,
)

webhooks = merchant_blueprint(
    "webhooks",
    __name__,
    Tag(name="Webhooks", description="Signed outbound events and their delivery."),
)
_ONE = problem_responses(404)


@webhooks.post("/webhook-endpoints", responses={201: EndpointCreated})
def create_webhook_endpoint(body: EndpointCreate) -> tuple[dict[str, Any], int]:
    """Register a receiver; the answer carries its signing secret (``whsec_...``)."""
    endpoint, secret = service.create_endpoint(
        request_session(), extensions().settings, current_merchant_id(), body
    )
    return {**endpoint_out(endpoint), "secret": secret}, 201


@webhooks.get("/webhook-endpoints", responses={200: EndpointPage})
def list_webhook_endpoints(query: PageQuery) -> dict[str, Any]:
    """The merchant's endpoints, newest first."""
    page = service.list_endpoints(request_session(), current_merchant_id(), query)
    return {"items": [endpoint_out(item) for item in page.items], "next_cursor": page.next_cursor}


@webhooks.get("/webhook-endpoints/<endpoint_id>", responses={200: EndpointOut, **_ONE})
def get_webhook_endpoint(path: EndpointPath) -> dict[str, Any]:
    """Read an endpoint."""
    return endpoint_out(
        service.get_endpoint(request_session(), current_merchant_id(), path.endpoint_id)
    )


@webhooks.patch("/webhook-endpoints/<endpoint_id>", responses={200: EndpointOut, **_ONE})
def update_webhook_endpoint(path: EndpointPath, body: EndpointPatch) -> dict[str, Any]:
    """Change URL, filter, description, or enable/disable; re-enabling answers ``recover_since``."""
    endpoint, since = service.update_endpoint(
        request_session(), extensions().settings, current_merchant_id(), path.endpoint_id, body
    )
    return endpoint_out(endpoint, recover_since=since)


@webhooks.delete("/webhook-endpoints/<endpoint_id>", responses={204: None, **_ONE})
def delete_webhook_endpoint(path: EndpointPath) -> Response:
    """Remove an endpoint and its delivery log."""
    service.delete_endpoint(request_session(), current_merchant_id(), path.endpoint_id)
    return Response(status=204)


@webhooks.get("/webhook-endpoints/<endpoint_id>/secret", responses={200: EndpointSecret, **_ONE})
def get_webhook_secret(path: EndpointPath) -> dict[str, Any]:
    """The current signing secret."""
    secret = service.read_secret(
        request_session(), extensions().settings, current_merchant_id(), path.endpoint_id
    )
    return {"secret": secret}


@webhooks.post(
    "/webhook-endpoints/<endpoint_id>/rotate-secret", responses={200: SecretRotated, **_ONE}
)
def rotate_webhook_secret(path: EndpointPath) -> dict[str, Any]:
    """A new secret; the old one keeps signing beside it for the grace period (24 h)."""
    endpoint, secret = service.rotate_secret(
        request_session(), extensions().settings, current_merchant_id(), path.endpoint_id
    )
    rotated = SecretRotated(secret=secret, previous_valid_until=endpoint.previous_secret_until)
    return rotated.model_dump(mode="json")


@webhooks.post("/webhook-endpoints/<endpoint_id>/test", responses={202: Accepted, **_ONE})
def test_webhook_endpoint(path: EndpointPath) -> tuple[dict[str, Any], int]:
    """Send a ``webhook.test`` event to this endpoint."""
    event_id, delivery = service.send_test(
        request_session(), current_merchant_id(), path.endpoint_id
    )
    return Accepted(deliveries=1, delivery_ids=[delivery.id], event_id=event_id).model_dump(), 202


@webhooks.post("/webhook-endpoints/<endpoint_id>/recover", responses={202: Accepted, **_ONE})
def recover_webhook_endpoint(
    path: EndpointPath, body: RecoverRequest
) -> tuple[dict[str, Any], int]:
    """Re-send every failed or exhausted delivery since a time."""
    ids = service.recover(request_session(), current_merchant_id(), path.endpoint_id, body.since)
    return Accepted(deliveries=len(ids), delivery_ids=ids).model_dump(), 202


@webhooks.get("/webhook-endpoints/<endpoint_id>/deliveries", responses={200: DeliveryPage, **_ONE})
def list_endpoint_deliveries(path: EndpointPath, query: DeliveryQuery) -> dict[str, Any]:
    """An endpoint's deliveries, newest first, by ``status``."""
    page = service.list_deliveries(
        request_session(),
        current_merchant_id(),
        path.endpoint_id,
        query.status,
        query,
    )
    return {
        "items": [delivery_out(request_session(), item) for item in page.items],
        "next_cursor": page.next_cursor,
    }


@webhooks.get("/deliveries/<delivery_id>", responses={200: DeliveryDetail, **_ONE})
def get_delivery(path: DeliveryPath) -> dict[str, Any]:
    """A delivery with its ``attempts``, oldest first: the request sent (URL, signing headers,
    the exact body) and the answer (status, headers, first 2 KiB), or the error."""
    return delivery_out(
        request_session(),
        service.get_delivery(request_session(), current_merchant_id(), path.delivery_id),
        True,
    )


@webhooks.post(
    "/deliveries/<delivery_id>/retry", responses={202: DeliveryOut, **problem_responses(404, 409)}
)
def retry_delivery(path: DeliveryPath) -> tuple[dict[str, Any], int]:
    """Attempt a delivery again now (a replay when it had succeeded)."""
    return delivery_out(
        request_session(),
        service.retry_delivery(request_session(), current_merchant_id(), path.delivery_id),
    ), 202


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


@events.get("/events/<event_id>", responses={200: EventDetail, **_ONE})
def get_merchant_event(path: EventPath) -> dict[str, Any]:
    """One event: the exact JSON body its deliveries send, and those deliveries."""
    session = request_session()
    return event_detail(session, get_event(session, current_merchant_id(), path.event_id))


event_types = merchant_blueprint(
    "event_types", __name__, Tag(name="Events", description="The event log.")
)


@event_types.get("/event-types", responses={200: EventTypeList})
def list_event_types() -> dict[str, Any]:
    """Every event type a webhook can deliver, with the JSON Schema of its ``data``."""
    return {"items": describe_event_types()}
