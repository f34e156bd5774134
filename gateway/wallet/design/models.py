"""The design table: one row per program that has a Wallet design of its own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, utcnow


class WalletDesign(Base):
    """How a program's passes look: colours (``#rrggbb``), field labels and PNG images."""

    __tablename__ = "wallet_designs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"), unique=True)
    background_color: Mapped[str | None] = mapped_column(String(7))
    foreground_color: Mapped[str | None] = mapped_column(String(7))
    label_color: Mapped[str | None] = mapped_column(String(7))
    stamps_label: Mapped[str | None] = mapped_column(String(20))
    reward_label: Mapped[str | None] = mapped_column(String(20))
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    icon_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    strip_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
