"""Reading the event log: newest first, everything after a given event (for catching up), or
one event with the deliveries made of it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.enums import Meanings
from gateway.examples import example, example_of, page_example
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, created_within, fetch_page
from gateway.timestamps import iso_utc
from webhooks.catalog import EVENT_TYPES
from webhooks.models import Delivery, Event
from webhooks.payloads import SaleData
from webhooks.signing import envelope
from webhooks.states import DELIVERY_STATUSES, DeliveryStatus


class EventQuery(PageQuery):
    """``type`` filters; ``after`` (an event id) switches to oldest-first from that event."""

    type: str | None = Field(default=None, max_length=64, description="e.g. voucher.redeemed")
    after: str | None = Field(
        default=None, max_length=64, description="Return events after this id, oldest first"
    )

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_TYPES:
            raise ValueError("not an event type (see GET /v1/event-types)")
        return value


class EventOut(BaseModel):
    """One event as it is delivered: id, type, time, merchant, data."""

    model_config = example(
        {
            "id": "evt_01m8s0dp1q6jj235k7khx2f352",
            "type": "sale.processed",
            "timestamp": "2026-11-22T10:00:00Z",
            "merchant_id": "mer_01m8s0dny68yrczd7adgew8zt8",
            "data": example_of(SaleData),
        }
    )

    id: str
    type: str
    timestamp: str
    merchant_id: str
    data: dict[str, Any]


class EventDelivery(BaseModel):
    """One delivery of the event: to which endpoint, and how it stands."""

    id: str
    endpoint_id: str
    status: Annotated[DeliveryStatus, Meanings(DELIVERY_STATUSES, "Where the delivery stands.")]
    attempt_count: int


class EventDetail(EventOut):
    """One event: its fields are the exact JSON body its deliveries send, plus ``deliveries``
    (one per endpoint it was addressed to, oldest first; not part of the delivered body)."""

    model_config = example(
        {
            **example_of(EventOut),
            "deliveries": [
                {
                    "id": "dlv_01m8s0dp7g0j2m4p6r8t0w2y4a",
                    "endpoint_id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y",
                    "status": "succeeded",
                    "attempt_count": 1,
                }
            ],
        }
    )

    deliveries: list[EventDelivery]


class EventPath(BaseModel):
    """Path of one event."""

    event_id: str = Field(max_length=64)


class EventPage(BaseModel):
    """A page of events; in ``after`` mode pass ``next_cursor`` as the next ``after``."""

    model_config = page_example(EventOut, order="newest_first")

    items: list[EventOut]
    next_cursor: str | None
    order: Annotated[
        Literal["newest_first", "oldest_first"],
        Meanings(
            {
                "newest_first": "the list without after: newest events first",
                "oldest_first": "the list after an event (?after=): oldest first, to catch up",
            },
            "The order of items.",
        ),
    ]


def list_events(session: Session, merchant_id: str, query: EventQuery) -> tuple[Page[Event], str]:
    """The merchant's events by type, newest first, or oldest first after ``after``."""
    statement = select(Event).where(Event.merchant_id == merchant_id)
    if query.type:
        statement = statement.where(Event.type == query.type)
    if query.after is None:
        page = fetch_page(session, statement, Event.id, Event.created_at, query)
        return page, "newest_first"
    statement = created_within(statement, Event.created_at, query)
    rows = session.scalars(
        statement.where(Event.id > query.after).order_by(Event.id).limit(query.limit + 1)
    ).all()
    items = rows[: query.limit]
    next_after = items[-1].id if len(rows) > query.limit else None
    return Page(items=items, next_cursor=next_after), "oldest_first"


def event_out(event: Event) -> dict[str, Any]:
    """The delivery envelope of an event."""
    return {
        "id": event.id,
        "type": event.type,
        "timestamp": iso_utc(event.created_at),
        "merchant_id": event.merchant_id,
        "data": event.data,
    }


def sent_body(event: Event) -> bytes:
    """The exact bytes every delivery attempt of the event sends (compact JSON, ASCII)."""
    return envelope(event.id, event.type, iso_utc(event.created_at), event.merchant_id, event.data)


def get_event(session: Session, merchant_id: str, event_id: str) -> Event:
    """One of the merchant's events, or 404."""
    return owned_by(session, Event, event_id, merchant_id, "event")


def event_detail(session: Session, event: Event) -> dict[str, Any]:
    """An event as delivered, with the deliveries made of it."""
    deliveries = session.scalars(
        select(Delivery).where(Delivery.event_id == event.id).order_by(Delivery.id)
    )
    made = [
        {"id": d.id, "endpoint_id": d.endpoint_id, "status": d.status, "attempt_count": d.attempts}
        for d in deliveries
    ]
    return EventDetail.model_validate({**event_out(event), "deliveries": made}).model_dump(
        mode="json"
    )
