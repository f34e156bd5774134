"""The program table: a stamp card's goal, rewards and stamp rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, JsonDocument, utcnow
from gateway.tenancy.setup import watch_setup_of


class Program(Base):
    """A stamp card: its goal, rewards and stamp rules (stored as validated JSON)."""

    __tablename__ = "programs"
    # At most one default program per merchant: the one sales without program_id go to.
    __table_args__ = (
        Index(
            "ux_programs_default",
            "merchant_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    stamps_goal: Mapped[int]
    reward: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    max_stamps_per_sale: Mapped[int | None]
    stampless_when_redeeming: Mapped[bool]
    auto_enroll: Mapped[bool]
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


watch_setup_of(Program)  # the default program is cached by setup version
