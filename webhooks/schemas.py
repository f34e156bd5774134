"""Request and response bodies of the webhook endpoint and delivery routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator

from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.pagination import PageQuery
from gateway.strict import StrictModel
from webhooks.catalog import EVENT_TYPES
from webhooks.states import (
    DELIVERY_STATUSES,
    ENDPOINT_HEALTH,
    DeliveryStatus,
    EndpointHealth,
)

ENDPOINT: dict[str, Any] = {
    "id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y",
    "url": "https://pos.example.com/hooks/stampgate",
    "description": "Our CRM",
    "event_types": ["voucher.redeemed", "sale.processed"],
    "status": "enabled",
    "disabled_reason": None,
    "health": "healthy",
    "failing_since": None,
    "created_at": "2026-11-22T10:00:00Z",
    "updated_at": "2026-11-22T10:00:00Z",
    "recover_since": None,
}
SECRET: str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 (an example, shown in the docs)
DELIVERY: dict[str, Any] = {
    "id": "dlv_01m8s0dp7g0j2m4p6r8t0w2y4a",
    "endpoint_id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y",
    "event_id": "evt_01m8s0dp1q6jj235k7khx2f352",
    "event_type": "voucher.redeemed",
    "status": "succeeded",
    "attempt_count": 1,
    "next_attempt_at": None,
    "last_attempt_at": "2026-11-22T10:00:01Z",
    "last_status_code": 200,
    "last_error": None,
    "created_at": "2026-11-22T10:00:00Z",
}

ATTEMPT: dict[str, Any] = {
    "attempted_at": "2026-11-22T10:00:01Z",
    "duration_ms": 84,
    "outcome": "succeeded",
    "request": {
        "url": "https://pos.example.com/hooks/stampgate",
        "headers": {
            "webhook-id": "evt_01m8s0dp1q6jj235k7khx2f352",
            "webhook-timestamp": "1795341601",
            "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
            "content-type": "application/json",
            "user-agent": "stampgate/0.1.0",
        },
        "body": '{"id":"evt_01m8s0dp1q6jj235k7khx2f352","type":"voucher.redeemed",...}',
    },
    "response": {
        "status_code": 200,
        "headers": {"content-type": "text/plain"},
        "body": "ok",
        "body_truncated": False,
    },
    "error": None,
}

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
DELIVERY_STATUS = Annotated[
    DeliveryStatus, Meanings(DELIVERY_STATUSES, "Where the delivery stands.")
]
ATTEMPT_OUTCOME = Annotated[
    Literal["succeeded", "retrying", "failed", "exhausted"],
    Meanings(
        {
            "succeeded": "the receiver answered 2xx",
            "retrying": "it failed and another attempt is scheduled",
            "failed": "410 Gone: the endpoint was disabled",
            "exhausted": "it failed and was the last attempt of the schedule",
        },
        "What the attempt decided.",
    ),
]
EndpointStatus = Annotated[
    Literal["enabled", "disabled"],
    Meanings(
        {
            "enabled": "events are delivered",
            "disabled": "nothing is sent (see `disabled_reason`: by the merchant, after a 410, "
            "or after failing for five days) until the endpoint is enabled again",
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

    model_config = example(
        {
            "url": "https://pos.example.com/hooks/stampgate",
            "event_types": ["voucher.redeemed", "sale.processed"],
            "description": "Our CRM",
        }
    )

    url: Url = Field(examples=["https://example.com/hooks/stampgate"])
    event_types: list[str] | None = Field(default=None, max_length=100)
    description: Description | None = None

    _types = field_validator("event_types")(_known_types)


class EndpointPatch(StrictModel):
    """``PATCH /v1/webhook-endpoints/{id}``: only the fields given change."""

    model_config = example({"status": "enabled"})

    url: Url | None = None
    event_types: list[str] | None = Field(default=None, max_length=100)
    description: Description | None = None
    status: EndpointStatus | None = None

    _types = field_validator("event_types")(_known_types)


class EndpointOut(BaseModel):
    """An endpoint (its secret is shown only on creation and rotation)."""

    model_config = example(ENDPOINT)

    id: str
    url: str
    description: str | None
    event_types: list[str] | None
    status: EndpointStatus
    disabled_reason: str | None
    health: Annotated[
        EndpointHealth,
        Meanings(ENDPOINT_HEALTH, "How deliveries to the endpoint are going, beside `status`."),
    ]
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

    model_config = example({**ENDPOINT, "secret": SECRET})

    secret: str


class SecretRotated(BaseModel):
    """The new secret; the previous one keeps signing beside it until ``previous_valid_until``."""

    model_config = example(
        {
            "secret": "whsec_3o5Cq1k0nq3lYg2o7m1E4dN8bVvQ0i9sX6eF2rT5uHw=",
            "previous_valid_until": "2026-11-23T10:00:00Z",
        }
    )

    secret: str
    previous_valid_until: datetime


class EndpointSecret(BaseModel):
    """The current signing secret."""

    model_config = example({"secret": SECRET})

    secret: str


class EndpointPage(BaseModel):
    """A page of endpoints."""

    model_config = page_example(EndpointOut)

    items: list[EndpointOut]
    next_cursor: str | None


class EndpointPath(BaseModel):
    """Path of one endpoint."""

    endpoint_id: str = Field(max_length=64)


class RecoverRequest(StrictModel):
    """``POST .../recover``: re-send every failed or exhausted delivery created since then."""

    model_config = example({"since": "2026-11-21T10:00:00Z"})

    since: AwareDatetime


class Accepted(BaseModel):
    """Work queued: how many deliveries, and the ids involved."""

    model_config = example(
        {
            "deliveries": 1,
            "delivery_ids": ["dlv_01m8s0dp7g0j2m4p6r8t0w2y4a"],
            "event_id": "evt_01m8s0dp7h1k3m5p7r9t1w3y5b",
        }
    )

    deliveries: int
    delivery_ids: list[str]
    event_id: str | None = None


class DeliveryQuery(PageQuery):
    """Filter an endpoint's deliveries."""

    status: DELIVERY_STATUS | None = Field(
        default=None, description="Only deliveries in this status"
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
    outcome: ATTEMPT_OUTCOME
    request: SentRequest | None = Field(
        description="Null when nothing was sent (the URL was refused, the secret unreadable)"
    )
    response: ReceivedResponse | None = Field(description="Null when no answer came (see `error`)")
    error: str | None = Field(description="Why no answer came (timeout, refused connection...)")


class DeliveryOut(BaseModel):
    """A delivery of one event to one endpoint."""

    model_config = example(DELIVERY)

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DELIVERY_STATUS
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

    model_config = example({**DELIVERY, "attempts": [ATTEMPT]})

    attempts: list[AttemptOut] = Field(description="Every attempt, oldest first")


class DeliveryPage(BaseModel):
    """A page of deliveries."""

    model_config = page_example(DeliveryOut)

    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryPath(BaseModel):
    """Path of one delivery."""

    delivery_id: str = Field(max_length=64)


def as_json(model: BaseModel) -> dict[str, Any]:
    """A response model as JSON-ready data."""
    return model.model_dump(mode="json")
