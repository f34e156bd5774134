"""Outbound tables: events (the transactional outbox), endpoints, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.db import AutoId, Base, JsonDocument, utcnow
from gateway.tenancy.setup import watch_setup_of
from webhooks.states import WAITING


class Event(Base):
    """One outbound event (the transactional outbox); ids sort by creation time."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_merchant_type", "merchant_id", "type", "id"),
        Index("ix_events_card", "card_id", "id"),
        Index("ix_events_merchant_created", "merchant_id", "created_at"),
        Index("ix_events_merchant_type_created", "merchant_id", "type", "created_at"),
        Index("ix_events_created", "created_at"),  # the purge: old events, every merchant
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    card_id: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookEndpoint(Base):
    """A merchant's receiver: URL, event filter, signing secrets, and its health."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(500))
    event_types: Mapped[list[str] | None] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), default="enabled")
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    # Sealed with STAMPGATE_SECRET_KEY (gateway.crypto): a copy of the table signs nothing.
    secret: Mapped[str] = mapped_column(String(255))
    previous_secret: Mapped[str | None] = mapped_column(String(255))
    previous_secret_until: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
    failing_announced: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


WAITING_ROWS = f"status IN ({', '.join(repr(status) for status in WAITING)})"


watch_setup_of(WebhookEndpoint)  # fan-out caches the enabled endpoints by setup version


class Delivery(Base):
    """One event to one endpoint, attempted until it succeeds or its schedule runs out."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        # Claims: the waiting deliveries in due order, so a claim of a batch reads about a
        # batch however long the backlog (the index above has them by status first, so the
        # two waiting statuses had to be read in full and sorted).
        Index(
            "ix_deliveries_waiting",
            "next_attempt_at",
            postgresql_where=text(WAITING_ROWS),
            sqlite_where=text(WAITING_ROWS),
        ),
        Index("ix_deliveries_endpoint", "endpoint_id", "id"),
        # The purge: finished deliveries by age, and whether an event still has a delivery.
        Index("ix_deliveries_status_updated", "status", "updated_at"),
        Index("ix_deliveries_event", "event_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Declared so a flush inserts the event (and endpoint) before the delivery pointing at it.
    event: Mapped[Event] = relationship(lazy="raise")
    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="raise")


class DeliveryAttempt(Base):
    """One HTTP attempt of a delivery: what was sent, what was answered, or what went wrong.

    The body sent is not copied per attempt: it is the event's envelope, rebuilt byte for byte
    from the event row (``webhooks.signing.envelope``); the headers (signature, timestamp)
    differ per attempt and are kept.
    """

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    duration_ms: Mapped[int]
    # Null when nothing was sent (the URL was refused, the secret could not be read).
    request_url: Mapped[str | None] = mapped_column(String(2048))
    request_headers: Mapped[dict[str, str] | None] = mapped_column(JsonDocument)
    status_code: Mapped[int | None]
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JsonDocument)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_truncated: Mapped[bool | None]
    error: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(16))
