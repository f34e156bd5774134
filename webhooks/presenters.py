"""Endpoint and delivery rows in the shapes the API answers with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.schemas import AttemptOut, DeliveryDetail, DeliveryOut, EndpointOut


def endpoint_out(endpoint: WebhookEndpoint, **extra: Any) -> dict[str, Any]:
    """An endpoint without its secret; ``extra`` adds answer-only fields."""
    stored = {
        name: getattr(endpoint, name)
        for name in EndpointOut.model_fields
        if hasattr(endpoint, name)
    }
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
    stored["event_type"] = session.scalar(select(Event.type).where(Event.id == delivery.event_id))
    if not with_attempts:
        return DeliveryOut.model_validate(stored).model_dump(mode="json")
    attempts = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery.id)
        .order_by(DeliveryAttempt.id)
    )
    log = [AttemptOut.model_validate(attempt, from_attributes=True) for attempt in attempts]
    return DeliveryDetail.model_validate({**stored, "attempt_log": log}).model_dump(mode="json")
