"""The lottery table: spins a card earned, played once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class Spin(Base):
    """A lottery spin a card earned; played once, server-side."""

    __tablename__ = "spins"
    __table_args__ = (Index("ix_spins_card_status", "card_id", "status"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    status: Mapped[str] = mapped_column(String(16))
    lottery: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_sale_id: Mapped[str | None] = mapped_column(String(40))
    source_cycle: Mapped[int | None]
    source_milestone: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    played_at: Mapped[datetime | None]
    # Who played it: the channel, and for the staff scanner its seat and the seat's location.
    played_channel: Mapped[str | None] = mapped_column(String(16))
    played_location: Mapped[str | None] = mapped_column(String(128))
    played_staff: Mapped[str | None] = mapped_column(String(128))
