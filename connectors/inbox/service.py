"""Inbound events for the API: list them by status, read one, retry one by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from connectors.inbox.models import InboundEvent
from connectors.inbox.states import InboundAction, sources_of, target_of
from connectors.inbox.store import requeue_inbound
from gateway.db import commit_unit, utcnow
from gateway.enums import Meanings
from gateway.errors import DomainError
from gateway.examples import example, page_example
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page

INBOUND: dict[str, Any] = {
    "id": "inb_01m8s0dp8h1k3m5p7r9t1w3y5b7c",
    "connection_id": "con_01m8s0dp4d7f9h1k3m5p7r9t1w",
    "pos": "poster",
    "kind": "transaction.closed",
    "object_id": "1001",
    "status": "processed",
    "attempts": 1,
    "next_attempt_at": None,
    "last_error": None,
    "result": {"sale_id": "sale_01m8s0dp0030q358kacpva62kf"},
    "payload": {
        "account": "mycafe",
        "object": "transaction",
        "object_id": 1001,
        "action": "closed",
    },
    "received_at": "2026-11-22T10:00:00Z",
    "processed_at": "2026-11-22T10:00:01Z",
}

Status = Annotated[
    Literal["pending", "processed", "ignored", "failed", "waiting"],
    Meanings(
        {
            "pending": "waiting to be processed, or to be retried after the POS was unreachable",
            "processed": "applied (a sale or a refund was recorded)",
            "ignored": "nothing to do (an open order, an object not used, an unknown removal)",
            "failed": "could not be processed; error says why (retry it by hand)",
            "waiting": "its connection needs new credentials; resumes when they arrive",
        },
        "Where an inbound POS event stands.",
    ),
]


class InboundQuery(PageQuery):
    """Filters of the inbound event list."""

    status: Status | None = None
    connection_id: str | None = Field(default=None, max_length=64)


def get_inbound(session: Session, merchant_id: str, event_id: str) -> InboundEvent:
    """One of the merchant's inbound events, or 404."""
    return owned_by(session, InboundEvent, event_id, merchant_id, "inbound event")


def list_inbound(session: Session, merchant_id: str, query: InboundQuery) -> Page[InboundEvent]:
    """The merchant's inbound events, newest first."""
    statement = select(InboundEvent).where(InboundEvent.merchant_id == merchant_id)
    if query.status is not None:
        statement = statement.where(InboundEvent.status == query.status)
    if query.connection_id is not None:
        statement = statement.where(InboundEvent.connection_id == query.connection_id)
    return fetch_page(session, statement, InboundEvent.id, InboundEvent.received_at, query)


def retry_inbound(session: Session, merchant_id: str, event_id: str) -> InboundEvent:
    """Process a failed, waiting or ignored event again now, with a fresh set of retries."""
    event = get_inbound(session, merchant_id, event_id)
    allowed = [status.value for status in sources_of(InboundAction.RETRY)]
    moved = session.execute(
        update(InboundEvent)
        .where(InboundEvent.id == event.id, InboundEvent.status.in_(allowed))
        .values(
            status=target_of(InboundAction.RETRY).value,
            attempts=0,
            next_attempt_at=utcnow(),
            locked_until=None,
        )
    )
    if getattr(moved, "rowcount", 0) != 1:  # processed meanwhile, or retried twice
        session.rollback()
        raise DomainError(
            "not_retryable",
            f"The event is {event.status}: only failed, waiting or ignored events are retried.",
        )
    requeue_inbound(session, [event.id])
    commit_unit(session)
    session.refresh(event)
    return event


class InboundOut(BaseModel):
    """An inbound event as the API shows it."""

    model_config = example(INBOUND)

    id: str
    connection_id: str
    pos: str
    kind: str
    object_id: str | None
    status: Status
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    result: dict[str, object] | None
    payload: dict[str, object]
    received_at: datetime
    processed_at: datetime | None


class InboundPage(BaseModel):
    """A page of inbound events."""

    model_config = page_example(InboundOut)

    items: list[InboundOut]
    next_cursor: str | None


class InboundPath(BaseModel):
    """The inbound event in the URL."""

    event_id: str = Field(max_length=64)


def inbound_out(event: InboundEvent) -> dict[str, Any]:
    """An inbound event in the shape the API answers with."""
    stored = {name: getattr(event, name) for name in InboundOut.model_fields}
    if event.status != "pending":
        stored["next_attempt_at"] = None
    return InboundOut.model_validate(stored).model_dump(mode="json")
