"""Claim tables: one-time claim links (of a sale or a delivery insert) and insert batches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, utcnow


class ClaimBatch(Base):
    """A print run of delivery inserts: ``count`` claim codes, each worth ``stamps``."""

    __tablename__ = "claim_batches"
    __table_args__ = (Index("ix_claim_batches_merchant", "merchant_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    count: Mapped[int]
    stamps: Mapped[int]
    valid_until: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Claim(Base):
    """A one-time claim link: the stamps of one unattributed sale, or of one delivery insert.

    ``token`` is 128 random bits (URL-safe base64) and names nothing; ``claimed_at`` is set
    once, by the claim that gave the stamps to ``card_id``.
    """

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_batch", "batch_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # sale | insert
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), unique=True)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("claim_batches.id"))
    stamps: Mapped[int]
    expires_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    card_id: Mapped[str | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
