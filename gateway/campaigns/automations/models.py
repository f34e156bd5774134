"""Automation tables: the standing rules, and each card's firing of one, once per occurrence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class Automation(Base):
    """A standing message: to each card of the program whose moment (``trigger``) comes.

    Each round of the scheduler that finds cards writes one run: a ``campaigns`` row naming
    the automation, with the message rows the campaigns' sender sends.
    """

    __tablename__ = "automations"
    __table_args__ = (
        Index("ix_automations_merchant", "merchant_id", "id"),
        Index("ix_automations_merchant_created", "merchant_id", "created_at"),
        Index("ix_automations_enabled", "enabled", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    channels: Mapped[list[str]] = mapped_column(JsonDocument)
    push_text: Mapped[str | None] = mapped_column(String(200))
    message_text: Mapped[str | None] = mapped_column(String(4000))
    voucher: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AutomationFiring(Base):
    """An automation fired for one card on one occurrence: an absence (its start), a year, a
    voucher, a cycle. Unique, so two schedulers at once fire it once."""

    __tablename__ = "automation_firings"
    __table_args__ = (UniqueConstraint("automation_id", "card_id", "occurrence"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    automation_id: Mapped[str] = mapped_column(ForeignKey("automations.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    occurrence: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
