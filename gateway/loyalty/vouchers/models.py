"""Voucher tables: vouchers (with their lifecycle) and every redemption of one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.customer_links import new_customer_token
from gateway.db import Base, JsonDocument, utcnow

PER_VOUCHER_CODES = "code_mode IN ('unique', 'pool')"


class Voucher(Base):
    """A Smart Voucher issued to a card (or unassigned, for one-time goodwill vouchers)."""

    __tablename__ = "vouchers"
    __table_args__ = (
        Index("ix_vouchers_merchant_code", "merchant_id", "code_key"),
        # Unique and pool codes are unique per merchant; shared codes repeat by design.
        Index(
            "uq_vouchers_merchant_unique_code",
            "merchant_id",
            "code_key",
            unique=True,
            sqlite_where=text(PER_VOUCHER_CODES),
            postgresql_where=text(PER_VOUCHER_CODES),
        ),
        Index("uq_vouchers_hold_id", "hold_id", unique=True),
        Index("ix_vouchers_code_pool", "code_pool_id"),
        Index("ix_vouchers_card_status", "card_id", "status"),
        Index("ix_vouchers_source_sale", "source_sale_id"),
        Index("ix_vouchers_status_valid_until", "status", "valid_until"),
        Index("ix_vouchers_merchant_issued", "merchant_id", "issued_at"),
        Index("ix_vouchers_merchant_expired", "merchant_id", "expired_at"),
        Index("uq_vouchers_customer_token", "customer_token", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    program_id: Mapped[str | None] = mapped_column(ForeignKey("programs.id"))
    card_id: Mapped[str | None] = mapped_column(ForeignKey("cards.id"))
    status: Mapped[str] = mapped_column(String(16))
    # The voucher page's link (/v/<token>): random, never derived from the id or the code.
    customer_token: Mapped[str] = mapped_column(String(32), default=new_customer_token)
    description: Mapped[str] = mapped_column(String(500))
    image_url: Mapped[str | None] = mapped_column(String(2048))
    redemption: Mapped[str] = mapped_column(String(8))
    code: Mapped[str | None] = mapped_column(String(64))
    code_mode: Mapped[str | None] = mapped_column(String(8))
    code_key: Mapped[str | None] = mapped_column(String(64))
    reward: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    valid_until: Mapped[datetime | None]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    redeemed_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    source_kind: Mapped[str] = mapped_column(String(16))
    source_sale_id: Mapped[str | None] = mapped_column(String(40))
    source_cycle: Mapped[int | None]
    source_milestone: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(200))
    redeemed_channel: Mapped[str | None] = mapped_column(String(8))
    redeemed_location: Mapped[str | None] = mapped_column(String(128))
    redeemed_staff: Mapped[str | None] = mapped_column(String(128))
    redeemed_sale_id: Mapped[str | None] = mapped_column(String(40))
    # A pool voucher issued while its pool was empty keeps the pool to get a code later.
    code_pool_id: Mapped[str | None] = mapped_column(String(40))
    # A hold (a POS validated the code at order open) is live while held_until is ahead.
    hold_id: Mapped[str | None] = mapped_column(String(40))
    held_until: Mapped[datetime | None]
    held_by: Mapped[str | None] = mapped_column(String(128))
    redemption_id: Mapped[str | None] = mapped_column(String(40))


class VoucherRedemption(Base):
    """One successful redemption of a voucher, by any channel; rolled back at most once."""

    __tablename__ = "redemptions"
    __table_args__ = (
        # The redemption list: newest first within a merchant, by card, by time.
        Index("ix_redemptions_merchant", "merchant_id", "id"),
        Index("ix_redemptions_card", "card_id", "id"),
        Index("ix_redemptions_merchant_redeemed", "merchant_id", "redeemed_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    voucher_id: Mapped[str] = mapped_column(ForeignKey("vouchers.id"), index=True)
    card_id: Mapped[str | None] = mapped_column(ForeignKey("cards.id"))
    code: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    location: Mapped[str | None] = mapped_column(String(128))
    staff: Mapped[str | None] = mapped_column(String(128))
    pos_transaction_id: Mapped[str | None] = mapped_column(String(128))
    sale_id: Mapped[str | None] = mapped_column(String(40))
    hold_id: Mapped[str | None] = mapped_column(String(40))
    # The POS connection whose sale redeemed it (one merchant may have several POS).
    connection_id: Mapped[str | None] = mapped_column(String(40))
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow)
    rolled_back_at: Mapped[datetime | None]
    rollback_reason: Mapped[str | None] = mapped_column(String(200))
