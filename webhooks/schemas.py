"""Request and response bodies of the webhook endpoint and delivery routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator

from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.strict import StrictModel
from webhooks.catalog import EVENT_TYPES

ENDPOINT: dict[str, Any] = {
    "id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y",
    "url": "https://pos.example.com/hooks/stampgate",
    "description": "Our CRM",
    "event_types": ["voucher.redeemed", "sale.processed"],
    "status": "enabled",
    "disabled_reason": None,
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
    "attempts": 1,
    "next_attempt_at": None,
    "last_attempt_at": "2026-11-22T10:00:01Z",
    "last_status_code": 200,
    "last_error": None,
    "created_at": "2026-11-22T10:00:00Z",
}

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
    failing_since: datetime | None
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

    model_config = example(DELIVERY)

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

    model_config = example(
        {
            **DELIVERY,
            "attempt_log": [
                {
                    "attempted_at": "2026-11-22T10:00:01Z",
                    "duration_ms": 84,
                    "status_code": 200,
                    "outcome": "succeeded",
                    "response_headers": {"content-type": "text/plain"},
                    "response_body": "ok",
                    "error": None,
                }
            ],
        }
    )

    attempt_log: list[AttemptOut]


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
