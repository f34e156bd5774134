"""The connection table: one POS account linked to one program of a merchant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class PosConnection(Base):
    """A POS account (Poster login, Syrve organization) whose sales stamp one program."""

    __tablename__ = "pos_connections"
    # A POS account feeds one connection: its webhooks are routed by that account.
    __table_args__ = (UniqueConstraint("pos", "account"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    pos: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(128))
    api_base_url: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    # JSON of the POS secrets, sealed with STAMPGATE_SECRET_KEY (gateway.crypto).
    credentials: Mapped[str] = mapped_column(Text)
    locations: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    codes: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    # Mapped promotions the POS no longer lists, as of the last sync.
    stale_codes: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PosCatalog(Base):
    """A connection's POS catalogue as last fetched: places, categories and products."""

    __tablename__ = "pos_catalogs"

    connection_id: Mapped[str] = mapped_column(ForeignKey("pos_connections.id"), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    # {"locations": [{id, name, timezone}], "categories": [{id, name}], "products": [...]}
    catalog: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    fetched_at: Mapped[datetime]
