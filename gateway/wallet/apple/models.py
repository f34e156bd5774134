"""Apple Wallet tables: the merchant's signing credentials, the passes handed out, the devices
that registered them, and the pushes that tell those devices a pass changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import AutoId, Base, utcnow


class AppleWalletCredentials(Base):
    """A merchant's Pass Type ID certificate (public), its key (sealed) and Apple's WWDR
    intermediate; one row per merchant."""

    __tablename__ = "apple_wallet_credentials"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), unique=True)
    pass_type_id: Mapped[str] = mapped_column(String(255))
    team_id: Mapped[str] = mapped_column(String(32))
    certificate_pem: Mapped[str] = mapped_column(Text)
    wwdr_pem: Mapped[str] = mapped_column(Text)
    # The private key's PEM, sealed with STAMPGATE_SECRET_KEY (gateway.crypto).
    sealed_key: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(1000))
    not_after: Mapped[datetime]
    # Set when the key could not be opened on use (the secret key changed), cleared on upload.
    key_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplePass(Base):
    """A pass handed out (a card's or a voucher's): its update tag moves with every change."""

    __tablename__ = "apple_passes"
    __table_args__ = (Index("ix_apple_passes_merchant", "merchant_id"),)

    serial: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    kind: Mapped[str] = mapped_column(String(8))  # "card" or "voucher"
    # Microseconds since the epoch of the latest change: comparable across passes.
    update_tag: Mapped[int] = mapped_column(BigInteger)
    # The latest Wallet push text of a campaign, shown in a field with a changeMessage.
    message: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppleRegistration(Base):
    """A device that keeps a pass and wants pushes when it changes."""

    __tablename__ = "apple_registrations"
    __table_args__ = (
        UniqueConstraint("device_library_id", "serial"),
        Index("ix_apple_registrations_serial", "serial"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    device_library_id: Mapped[str] = mapped_column(String(128))
    serial: Mapped[str] = mapped_column(ForeignKey("apple_passes.serial"))
    push_token: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplePush(Base):
    """One APNs push to one device after a change; a queue row until it is sent or refused."""

    __tablename__ = "apple_pushes"
    __table_args__ = (
        Index("ix_apple_pushes_due", "status", "next_attempt_at"),
        Index("ix_apple_pushes_serial", "serial"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    serial: Mapped[str] = mapped_column(String(40))
    push_token: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
