"""The event table: every state change's announcement, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class Event(Base):
    """One outbound event (the transactional outbox); ids sort by creation time."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_merchant_type", "merchant_id", "type", "id"),
        Index("ix_events_card", "card_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    card_id: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
