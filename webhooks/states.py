"""Delivery statuses and endpoint health: the values, what each means, and which are waiting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final, Literal, TypeVar

Value = TypeVar("Value", bound=str)
DeliveryStatus = Literal["pending", "retrying", "succeeded", "failed", "exhausted"]
EndpointHealth = Literal["healthy", "failing"]

DELIVERY_STATUSES: Final[Mapping[DeliveryStatus, str]] = MappingProxyType(
    {
        "pending": "Not attempted yet; the first attempt is due at `next_attempt_at`.",
        "retrying": (
            "At least one attempt failed and another is scheduled at `next_attempt_at` "
            "(see `STAMPGATE_WEBHOOK_RETRY_SCHEDULE`); `last_status_code` / `last_error` say why."
        ),
        "succeeded": "The receiver answered 2xx. Final (`POST /v1/deliveries/{id}/retry` replays).",
        "failed": (
            "Given up before the schedule ran out: the receiver answered 410 Gone, or the "
            "endpoint was disabled or deleted. Final unless retried or recovered."
        ),
        "exhausted": (
            "Every attempt of the retry schedule failed. Final unless retried or recovered "
            "(`POST /v1/webhook-endpoints/{id}/recover`)."
        ),
    }
)

# Statuses whose deliveries the workers still attempt (when ``next_attempt_at`` comes).
WAITING: Final = ("pending", "retrying")

ENDPOINT_HEALTH: Final[Mapping[EndpointHealth, str]] = MappingProxyType(
    {
        "healthy": "The latest attempt to this endpoint succeeded, or none was made yet.",
        "failing": (
            "Attempts have failed since `failing_since` (no success since). After "
            "`STAMPGATE_WEBHOOK_FAILING_AFTER_SECONDS` (a day) the merchant's other endpoints "
            "get `endpoint.failing`; after `..._DISABLE_AFTER_SECONDS` (five days) the "
            "endpoint is disabled (`endpoint.disabled`)."
        ),
    }
)


def waiting_status(attempt_count: int) -> DeliveryStatus:
    """A delivery due again reads ``pending`` before its first attempt, ``retrying`` after."""
    return "retrying" if attempt_count > 0 else "pending"


def health_of(failing_since: datetime | None) -> EndpointHealth:
    """``failing`` while attempts fail without a success in between, else ``healthy``."""
    return "healthy" if failing_since is None else "failing"


def describe(values: Mapping[Value, str]) -> str:
    """A Markdown list of an enum's values and what each means, for a field's description."""
    return "\n".join(f"- `{value}`: {meaning}" for value, meaning in values.items())
