"""The audit log table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class AuditEvent(Base):
    """One change of one object, made by one actor in one request; written with the change."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_merchant", "merchant_id", "id"),
        Index("ix_audit_events_object", "merchant_id", "object_id", "id"),
        Index("ix_audit_events_actor", "merchant_id", "actor_id", "id"),
        Index("ix_audit_events_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    # api_key (actor_id: the key id), admin (no id), user (the console user's id).
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    operation: Mapped[str | None] = mapped_column(String(200))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
