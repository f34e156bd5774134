"""Google Wallet tables: a merchant's issuer account, the objects made at Google, and the
queue of calls that keep them in step with cards and vouchers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow


class GoogleIssuer(Base):
    """A merchant's Google Wallet issuer account and its service account (sealed)."""

    __tablename__ = "google_wallet_issuers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), unique=True)
    issuer_id: Mapped[str] = mapped_column(String(32))
    client_email: Mapped[str] = mapped_column(String(254))
    key_id: Mapped[str] = mapped_column(String(64))
    # The service-account JSON, private key included, sealed with the secret key.
    service_account: Mapped[str] = mapped_column(String(8000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoogleObject(Base):
    """A class or object made at Google (``id`` is ``<resource>/<id at Google>``), with a
    digest of the body it last got (unchanged bodies are not sent again)."""

    __tablename__ = "google_wallet_objects"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    resource: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoogleJob(Base):
    """One piece of work for Google: bring a card's or a voucher's object up to date, or add
    a campaign message to a card's object. A queue row, retried on its schedule."""

    __tablename__ = "google_wallet_jobs"
    __table_args__ = (
        Index("ix_google_wallet_jobs_due", "status", "next_attempt_at"),
        Index("ix_google_wallet_jobs_card", "card_id", "kind", "notified_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    card_id: Mapped[str | None] = mapped_column(String(40))
    voucher_id: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    # A message Google was asked to notify the customer of (TEXT_AND_NOTIFY) and accepted.
    notified_at: Mapped[datetime | None]
