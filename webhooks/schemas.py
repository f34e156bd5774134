"""Request and response bodies of the webhook endpoint and delivery routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator

from gateway.enums import Meanings
from gateway.strict import StrictModel
from webhooks.catalog import EVENT_TYPES

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
DeliveryStatus = Annotated[
    Literal["pending", "succeeded", "failed", "exhausted"],
    Meanings(
        {
            "pending": "waiting for its first attempt or for its next retry",
            "succeeded": "the endpoint answered 2xx",
            "failed": "refused for good without retrying (the endpoint answered 410, was "
            "disabled or deleted, or its address is not allowed)",
            "exhausted": "every retry of the schedule failed",
        },
        "Where a delivery stands.",
    ),
]
EndpointStatus = Annotated[
    Literal["enabled", "disabled"],
    Meanings(
        {
            "enabled": "receives deliveries",
            "disabled": "receives nothing (by the merchant, after a 410, or after failing for "
            "five days; disabled_reason says which)",
        },
        "Whether the endpoint receives deliveries.",
    ),
]


def _known_types(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)} (see GET /v1/event-types)")
    return sorted(set(value))


class EndpointCreate(StrictModel):
    """``POST /v1/webhook-endpoints``: ``event_types`` null means every type."""

    url: Url = Field(examples=["https://example.com/hooks/stampgate"])
    event_types: list[str] | None = Field(default=None, max_length=100)
    description: Description | None = None

    _types = field_validator("event_types")(_known_types)


class EndpointPatch(StrictModel):
    """``PATCH /v1/webhook-endpoints/{id}``: only the fields given change."""

    url: Url | None = None
    event_types: list[str] | None = Field(default=None, max_length=100)
    description: Description | None = None
    status: EndpointStatus | None = None

    _types = field_validator("event_types")(_known_types)


class EndpointOut(BaseModel):
    """An endpoint (its secret is shown only on creation and rotation)."""

    id: str
    url: str
    description: str | None
    event_types: list[str] | None
    status: EndpointStatus
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime
    recover_since: datetime | None = Field(
        default=None, description="Set when re-enabled: POST .../recover with this to re-send"
    )


class EndpointCreated(EndpointOut):
    """A new endpoint with its signing secret."""

    secret: str


class SecretRotated(BaseModel):
    """The new secret; the previous one keeps signing beside it until ``previous_valid_until``."""

    secret: str
    previous_valid_until: datetime


class EndpointSecret(BaseModel):
    """The current signing secret."""

    secret: str


class EndpointPage(BaseModel):
    """A page of endpoints."""

    items: list[EndpointOut]
    next_cursor: str | None


class EndpointPath(BaseModel):
    """Path of one endpoint."""

    endpoint_id: str = Field(max_length=64)


class RecoverRequest(StrictModel):
    """``POST .../recover``: re-send every failed or exhausted delivery created since then."""

    since: AwareDatetime


class Accepted(BaseModel):
    """Work queued: how many deliveries, and the ids involved."""

    deliveries: int
    delivery_ids: list[str]
    event_id: str | None = None


class DeliveryQuery(BaseModel):
    """Filter an endpoint's deliveries."""

    status: DeliveryStatus | None = None
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=500)


class AttemptOut(BaseModel):
    """One HTTP attempt."""

    attempted_at: datetime
    duration_ms: int
    status_code: int | None
    outcome: str
    response_headers: dict[str, str] | None
    response_body: str | None
    error: str | None


class DeliveryOut(BaseModel):
    """A delivery of one event to one endpoint."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime


class DeliveryDetail(DeliveryOut):
    """A delivery with every attempt, oldest first."""

    attempt_log: list[AttemptOut]


class DeliveryPage(BaseModel):
    """A page of deliveries."""

    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryPath(BaseModel):
    """Path of one delivery."""

    delivery_id: str = Field(max_length=64)


def as_json(model: BaseModel) -> dict[str, Any]:
    """A response model as JSON-ready data."""
    return model.model_dump(mode="json")
