"""Endpoint and delivery rows in the shapes the API answers with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webhooks.events import sent_body
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.schemas import AttemptOut, DeliveryDetail, DeliveryOut, EndpointOut
from webhooks.states import health_of


def endpoint_out(endpoint: WebhookEndpoint, **extra: Any) -> dict[str, Any]:
    """An endpoint without its secret, with its health; ``extra`` adds answer-only fields."""
    stored = {
        name: getattr(endpoint, name)
        for name in EndpointOut.model_fields
        if hasattr(endpoint, name)
    }
    stored["health"] = health_of(endpoint.failing_since)
    return EndpointOut.model_validate({**stored, **extra}).model_dump(mode="json")


def delivery_out(
    session: Session, delivery: Delivery, with_attempts: bool = False
) -> dict[str, Any]:
    """A delivery with its event type, and with every attempt when asked."""
    stored = {
        name: getattr(delivery, name)
        for name in DeliveryOut.model_fields
        if hasattr(delivery, name)
    }
    stored["attempt_count"] = delivery.attempts
    event = session.get_one(Event, delivery.event_id)
    stored["event_type"] = event.type
    if not with_attempts:
        return DeliveryOut.model_validate(stored).model_dump(mode="json")
    rows = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery.id)
        .order_by(DeliveryAttempt.id)
    )
    body = sent_body(event).decode("ascii")
    attempts = [_attempt_out(row, body) for row in rows]
    return DeliveryDetail.model_validate({**stored, "attempts": attempts}).model_dump(mode="json")


def _attempt_out(row: DeliveryAttempt, body: str) -> AttemptOut:
    request = None
    if row.request_url is not None and row.request_headers is not None:
        request = {"url": row.request_url, "headers": row.request_headers, "body": body}
    response = None
    if row.status_code is not None:
        response = {
            "status_code": row.status_code,
            "headers": row.response_headers or {},
            "body": row.response_body or "",
            "body_truncated": bool(row.response_truncated),
        }
    return AttemptOut.model_validate(
        {
            "attempted_at": row.attempted_at,
            "duration_ms": row.duration_ms,
            "outcome": row.outcome,
            "request": request,
            "response": response,
            "error": row.error,
        }
    )
