"""Card tables: cards, their POS ids, and the stamp ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.customer_links import new_customer_token
from gateway.db import AutoId, Base, utcnow


class Card(Base):
    """A customer's card in one program; ``stamps`` and ``cycle`` are cached from the ledger."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("merchant_id", "number"),
        Index(
            "uq_cards_program_phone",
            "program_id",
            "phone",
            unique=True,
            sqlite_where=text("phone IS NOT NULL"),
            postgresql_where=text("phone IS NOT NULL"),
        ),
        Index(
            "uq_cards_program_email",
            "program_id",
            "email",
            unique=True,
            sqlite_where=text("email IS NOT NULL"),
            postgresql_where=text("email IS NOT NULL"),
        ),
        # The card list: newest first within a merchant, narrowed by these ranges.
        Index("ix_cards_merchant", "merchant_id", "id"),
        Index("ix_cards_merchant_created", "merchant_id", "created_at"),
        Index("ix_cards_merchant_last_visit", "merchant_id", "last_visit_at"),
        Index("uq_cards_customer_token", "customer_token", unique=True),
        # Birthdays of the week or of the day: an IN list of MM-DD within the program.
        Index("ix_cards_program_birthday", "program_id", "birthday_md"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    # The card page's link (/c/<token>): random, never derived from the number.
    customer_token: Mapped[str] = mapped_column(String(32), default=new_customer_token)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # E-mail consent: when and where the customer agreed, and when they unsubscribed (after
    # which nothing is mailed until they agree again). See ``cards.consent``.
    email_consent_at: Mapped[datetime | None]
    email_consent_source: Mapped[str | None] = mapped_column(String(64))
    email_unsubscribed_at: Mapped[datetime | None]
    # The customer's birthday: month and day (MM-DD), and the year when they gave it.
    birthday_md: Mapped[str | None] = mapped_column(String(5))
    birthday_year: Mapped[int | None]
    stamps: Mapped[int] = mapped_column(default=0)
    cycle: Mapped[int] = mapped_column(default=1)
    # Optimistic lock: concurrent stamping of one card is detected, and the loser reruns.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The customer's latest sale or stamp (cached, like the balance), None before the first.
    last_visit_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}


class CardPosId(Base):
    """A POS's own id of the card's customer (``poster:123``), unique within the program."""

    __tablename__ = "card_pos_ids"
    __table_args__ = (UniqueConstraint("program_id", "pos", "pos_customer_id"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), index=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    pos: Mapped[str] = mapped_column(String(32))
    pos_customer_id: Mapped[str] = mapped_column(String(128))


class StampEntry(Base):
    """One append-only ledger line: stamps added or taken away, and the balance after it."""

    __tablename__ = "stamp_entries"
    __table_args__ = (Index("ix_stamp_entries_merchant_created", "merchant_id", "created_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    delta: Mapped[int]
    stamps_after: Mapped[int]
    cycle_after: Mapped[int]
    sale_id: Mapped[str | None] = mapped_column(String(40), index=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(128))
    staff: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
