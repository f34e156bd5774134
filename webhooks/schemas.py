"""Request and response bodies of the webhook endpoint and delivery routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator

from gateway.pagination import PageQuery
from gateway.strict import StrictModel
from webhooks.catalog import EVENT_TYPES
from webhooks.states import (
    DELIVERY_STATUSES,
    ENDPOINT_HEALTH,
    DeliveryStatus,
    EndpointHealth,
    describe,
)

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


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
    status: Literal["enabled", "disabled"] | None = None

    _types = field_validator("event_types")(_known_types)


class EndpointOut(BaseModel):
    """An endpoint (its secret is shown only on creation and rotation)."""

    id: str
    url: str
    description: str | None
    event_types: list[str] | None
    status: Literal["enabled", "disabled"] = Field(
        description="`enabled`: events are delivered; `disabled`: nothing is sent (see "
        "`disabled_reason`) until the endpoint is enabled again."
    )
    disabled_reason: str | None
    health: EndpointHealth = Field(
        description="How deliveries to the endpoint are going, beside `status`:\n"
        + describe(ENDPOINT_HEALTH)
    )
    failing_since: datetime | None = Field(
        description="When the first of the failed attempts since the last success was made; "
        "null while `health` is `healthy`."
    )
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


_STATUS_MEANINGS = describe(DELIVERY_STATUSES)


class DeliveryQuery(PageQuery):
    """Filter an endpoint's deliveries."""

    status: DeliveryStatus | None = Field(
        default=None, description="Only deliveries in this status:\n" + _STATUS_MEANINGS
    )


class SentRequest(BaseModel):
    """The request an attempt sent, as the receiver got it (the secret is never shown)."""

    url: str
    headers: dict[str, str] = Field(
        description="webhook-id, webhook-timestamp, webhook-signature, content-type, user-agent"
    )
    body: str = Field(description="The exact bytes sent (compact JSON, ASCII), as text")


class ReceivedResponse(BaseModel):
    """What the receiver answered: status, headers and the first 2 KiB of the body."""

    status_code: int
    headers: dict[str, str]
    body: str = Field(description="The first 2 KiB of the answer, as UTF-8 text")
    body_truncated: bool = Field(description="True when the answer was longer than 2 KiB")


class AttemptOut(BaseModel):
    """One HTTP attempt: the request sent and the answer, or the error when none came."""

    attempted_at: datetime
    duration_ms: int
    outcome: Literal["succeeded", "retrying", "failed", "exhausted"] = Field(
        description="What the attempt decided: `succeeded`, `retrying` (another attempt is "
        "scheduled), `failed` (410 Gone: the endpoint was disabled), `exhausted` (the last "
        "attempt of the schedule)."
    )
    request: SentRequest | None = Field(
        description="Null when nothing was sent (the URL was refused, the secret unreadable)"
    )
    response: ReceivedResponse | None = Field(description="Null when no answer came (see `error`)")
    error: str | None = Field(description="Why no answer came (timeout, refused connection...)")


class DeliveryOut(BaseModel):
    """A delivery of one event to one endpoint."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus = Field(description=_STATUS_MEANINGS)
    attempt_count: int = Field(description="How many attempts were made so far")
    next_attempt_at: datetime | None = Field(
        description="When the next attempt is due (`pending`, `retrying`); null otherwise"
    )
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime


class DeliveryDetail(DeliveryOut):
    """A delivery with every attempt, oldest first."""

    attempts: list[AttemptOut] = Field(description="Every attempt, oldest first")


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
