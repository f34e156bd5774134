"""Sales received from a POS or the REST API, and their refunds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class Sale(Base):
    """One closed sale; (merchant, source, transaction id) is its natural key."""

    __tablename__ = "sales"
    __table_args__ = (
        UniqueConstraint("merchant_id", "source", "transaction_id"),
        # The sale list: newest first within a merchant, narrowed by these.
        Index("ix_sales_merchant", "merchant_id", "id"),
        Index("ix_sales_merchant_closed", "merchant_id", "closed_at"),
        Index("ix_sales_merchant_created", "merchant_id", "created_at"),
        Index("ix_sales_merchant_location", "merchant_id", "location", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    transaction_id: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    program_id: Mapped[str | None] = mapped_column(ForeignKey("programs.id"))
    card_id: Mapped[str | None] = mapped_column(ForeignKey("cards.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(BigInteger)  # minor units, up to 10^12
    currency: Mapped[str] = mapped_column(String(3))
    closed_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    stamps_added: Mapped[int]
    stamps_reversed: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Refund(Base):
    """A refund of a sale; ``refund_id`` is unique per sale, so a retried refund is a no-op."""

    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("sale_id", "refund_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    refund_id: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    lines: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDocument)
    stamps_reversed: Mapped[int]
    shortfall: Mapped[int]
    result: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
