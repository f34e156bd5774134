"""Redeem code tables: code pools the merchant uploads, and their codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import AutoId, Base, utcnow


class CodePool(Base):
    """A merchant's pool of codes taken from its POS, drawn one per voucher."""

    __tablename__ = "code_pools"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where the codes come from: a POS connection's coupon series, synced periodically.
    source_connection_id: Mapped[str | None] = mapped_column(String(40))
    source_series_id: Mapped[str | None] = mapped_column(String(64))
    synced_at: Mapped[datetime | None]
    sync_error: Mapped[str | None] = mapped_column(String(500))


class PoolCode(Base):
    """One code of a pool; ``voucher_id`` is set once, when a voucher takes it."""

    __tablename__ = "pool_codes"
    __table_args__ = (
        UniqueConstraint("pool_id", "code_key"),
        # Issuing looks for the oldest free code; taken codes drop out of this index.
        Index(
            "ix_pool_codes_free",
            "pool_id",
            "id",
            sqlite_where=text("voucher_id IS NULL"),
            postgresql_where=text("voucher_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    pool_id: Mapped[str] = mapped_column(ForeignKey("code_pools.id"))
    code: Mapped[str] = mapped_column(String(64))
    code_key: Mapped[str] = mapped_column(String(64))
    voucher_id: Mapped[str | None] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    taken_at: Mapped[datetime | None]
    # "activated" or "deleted" once the POS reports so: such a code is never handed out.
    pos_state: Mapped[str | None] = mapped_column(String(16))


class RejectedCodeAttempt(Base):
    """A code shown at the till (``/v1/codes/*``) that redeemed nothing, and why: what the
    analytics count beside the promo codes rejected on sales."""

    __tablename__ = "rejected_code_attempts"
    __table_args__ = (
        Index("ix_rejected_code_attempts_merchant_created", "merchant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    operation: Mapped[str] = mapped_column(String(16))  # check | hold | redeem
    reason: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(128))
    staff: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
