"""Reading the event log: newest first, or everything after a given event (for catching up)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.enums import Meanings
from gateway.examples import example, example_of
from gateway.pagination import Page, PageQuery, fetch_page
from gateway.timestamps import iso_utc
from webhooks.catalog import EVENT_TYPES
from webhooks.models import Event
from webhooks.payloads import SaleData


class EventQuery(BaseModel):
    """``type`` filters; ``after`` (an event id) switches to oldest-first from that event."""

    type: str | None = Field(default=None, max_length=64, description="e.g. voucher.redeemed")
    after: str | None = Field(
        default=None, max_length=64, description="Return events after this id, oldest first"
    )
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=500)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_TYPES:
            raise ValueError("not an event type (see GET /v1/event-types)")
        return value


class EventOut(BaseModel):
    """One event as it is delivered: id, type, time, merchant, data."""

    id: str
    type: str
    timestamp: str
    merchant_id: str
    data: dict[str, Any]


class EventPage(BaseModel):
    """A page of events; in ``after`` mode pass ``next_cursor`` as the next ``after``."""

    model_config = example(
        {
            "items": [
                {
                    "id": "evt_01m8s0dp1q6jj235k7khx2f352",
                    "type": "sale.processed",
                    "timestamp": "2026-11-22T10:00:00Z",
                    "merchant_id": "mer_01m8s0dny68yrczd7adgew8zt8",
                    "data": example_of(SaleData),
                }
            ],
            "next_cursor": None,
            "order": "newest_first",
        }
    )

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
        page = fetch_page(
            session, statement, Event.id, PageQuery(cursor=query.cursor, limit=query.limit)
        )
        return page, "newest_first"
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
