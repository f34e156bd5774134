"""Campaign tables: the broadcasts, and one message row per recipient and channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class Campaign(Base):
    """A broadcast to one segment of a program's cards; a queue row until it is planned.

    ``scheduled`` campaigns are the planner's queue (due at ``next_attempt_at``, the send
    time); planning writes every message row and moves the campaign to ``sending``.
    """

    __tablename__ = "campaigns"
    __table_args__ = (
        Index("ix_campaigns_merchant", "merchant_id", "id"),
        Index("ix_campaigns_merchant_created", "merchant_id", "created_at"),
        Index("ix_campaigns_due", "status", "next_attempt_at"),
        Index("ix_campaigns_automation", "automation_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    # Set on an automation's run: the messages of one round of its scheduler.
    automation_id: Mapped[str | None] = mapped_column(ForeignKey("automations.id"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    segment: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    channels: Mapped[list[str]] = mapped_column(JsonDocument)
    push_text: Mapped[str | None] = mapped_column(String(200))
    message_text: Mapped[str | None] = mapped_column(String(4000))
    voucher: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    send_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    planned_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class CampaignMessage(Base):
    """One message of a campaign to one card on one channel, written once and sent once."""

    __tablename__ = "campaign_messages"
    __table_args__ = (
        UniqueConstraint("campaign_id", "card_id", "channel"),
        Index("ix_campaign_messages_due", "status", "channel", "next_attempt_at"),
        Index("ix_campaign_messages_sent", "channel", "sent_at"),
        # The card page's latest news.
        Index("ix_campaign_messages_card", "card_id", "sent_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    voucher_id: Mapped[str | None] = mapped_column(String(40))
    event_id: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
