"""Merchant and API key tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, utcnow


class Merchant(Base):
    """A business running a loyalty program; the tenant every other row belongs to."""

    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    # ISO 3166-1 alpha-2; national phone numbers are read as this country's. None: unknown.
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped with every change of the merchant's programs or webhook endpoints (see
    # gateway.tenancy.setup): what processes cache of them is keyed by it.
    setup_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))


class ApiKey(Base):
    """A merchant's API key; only its lookup prefix and SHA-256 hash are stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class User(Base):
    """A person who logs in to a merchant's pages; ``role`` decides which."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    # Stored lower-cased: one account per address, whatever case it is typed in. None: a staff
    # seat, which signs devices in with links instead (see StaffSeat).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # argon2id; null until the user sets one through their set-password link.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_set_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]


class StaffSeat(Base):
    """A staff user that is a place rather than a person: a till, a bar counter, a kiosk.

    Its devices sign in with one-time links; ``session_epoch`` ends every device's session when
    it changes, and a revoked seat stays (its name still labels the stamps it gave).
    """

    __tablename__ = "staff_seats"
    __table_args__ = (
        Index(
            "uq_staff_seats_merchant_name",
            "merchant_id",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    # The seat's user (role staff): stamps and redemptions name it as their ``staff``.
    id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    location: Mapped[str] = mapped_column(String(128))
    mode: Mapped[str] = mapped_column(String(8))
    # The same card scanned again within this many seconds is not stamped again.
    repeat_seconds: Mapped[int] = mapped_column(default=10)
    # The open sign-in link's nonce; None when there is none (used, or withdrawn).
    link_nonce: Mapped[str | None] = mapped_column(String(32))
    session_epoch: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
