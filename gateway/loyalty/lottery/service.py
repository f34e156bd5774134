"""Lottery spins: a card's spins, and playing one (drawn server-side, exactly once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import DomainError
from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.lottery.draw import draw
from gateway.loyalty.lottery.models import Spin
from gateway.loyalty.programs.rewards import STORED, Lottery, LotteryVariant
from gateway.loyalty.vouchers.issuing import Source, create_spin, grant
from gateway.loyalty.vouchers.models import Voucher
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page
from gateway.tenancy.service import get_merchant
from webhooks.outbox import record_event

PENDING = "pending"
PLAYED = "played"
PRIZE_KINDS = frozenset({"award", "voucher"})


@dataclass(frozen=True)
class PlayResult:
    """A played spin, its card, and what it gave: an award, a voucher, or the next spin."""

    spin: Spin
    card: Card
    award: dict[str, Any] | None = None
    voucher: Voucher | None = None
    next_spin: Spin | None = None


def _already_played() -> DomainError:
    return DomainError("spin_already_played", "This spin has already been played.")


def _spin_of(session: Session, merchant_id: str, spin_id: str) -> Spin:
    return owned_by(session, Spin, spin_id, merchant_id, "spin")


def list_spins(
    session: Session, merchant_id: str, number: str, status: str | None, query: PageQuery
) -> Page[Spin]:
    """The card's spins, newest first, optionally only those with ``status``."""
    card = get_card(session, merchant_id, number)
    statement = select(Spin).where(Spin.merchant_id == merchant_id, Spin.card_id == card.id)
    if status is not None:
        statement = statement.where(Spin.status == status)
    return fetch_page(session, statement, Spin.id, Spin.created_at, query)


@dataclass(frozen=True)
class PlayedBy:
    """Where a spin is played: the channel, and a scanner seat's location and id."""

    channel: str | None = None
    location: str | None = None
    staff: str | None = None


def play_spin(
    session: Session, merchant_id: str, spin_id: str, played_by: PlayedBy | None = None
) -> PlayResult:
    """Draw a pending spin's outcome and give its prize, all in one transaction."""
    where = played_by or PlayedBy()
    spin = _spin_of(session, merchant_id, spin_id)
    if spin.status != PENDING:
        raise _already_played()
    lottery = Lottery.model_validate(spin.lottery, context=STORED)
    # Drawn once, outside the unit of work: a rerun after a lost race (a unique voucher code
    # taken meanwhile) must not draw again, or such prizes would come out less often.
    variant = lottery.variants[draw(lottery.variants)]

    def play() -> PlayResult:
        played = _claim(session, merchant_id, spin_id, variant, where)
        card = session.get(Card, played.card_id)
        assert card is not None  # a foreign key guarantees it
        result = _give(session, played, card, lottery, variant)
        data = {
            "spin_id": played.id,
            "card_number": card.number,
            "lottery": lottery.name,
            "kind": variant.kind,
            "name": variant.name,
            "voucher_id": result.voucher.id if result.voucher else None,
            "next_spin_id": result.next_spin.id if result.next_spin else None,
            "sale_id": played.source_sale_id,
            "channel": where.channel,
            "location": where.location,
            "staff": where.staff,
        }
        record_event(session, merchant_id, "lottery.played", data, card_id=card.id)
        return result

    return commit_unit_of_work(session, play)


def _claim(
    session: Session, merchant_id: str, spin_id: str, variant: LotteryVariant, where: PlayedBy
) -> Spin:
    """Mark the spin played if it still is pending; of concurrent plays only one gets here."""
    outcome = {"kind": variant.kind, "name": variant.name, "greeting": variant.greeting}
    # The row lock (PostgreSQL) or the write lock (SQLite) makes every other play wait for
    # this transaction and then match no row, so no prize is ever given twice.
    claimed = session.execute(
        update(Spin)
        .where(Spin.id == spin_id, Spin.merchant_id == merchant_id, Spin.status == PENDING)
        .values(
            status=PLAYED,
            outcome=outcome,
            played_at=utcnow(),
            played_channel=where.channel,
            played_location=where.location,
            played_staff=where.staff,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise _already_played()
    return session.get_one(Spin, spin_id, populate_existing=True)


def _give(
    session: Session, spin: Spin, card: Card, lottery: Lottery, variant: LotteryVariant
) -> PlayResult:
    source = Source(kind="lottery", cycle=spin.source_cycle, sale_id=spin.source_sale_id)
    if variant.kind in PRIZE_KINDS:
        assert variant.reward is not None  # the variant's validator guarantees it
        timezone = get_merchant(session, card.merchant_id).timezone
        stored = variant.reward.model_dump(mode="json")
        granted = grant(session, card, stored, source, timezone)
        return PlayResult(spin=spin, card=card, award=granted.award, voucher=granted.voucher)
    if variant.kind == "try_again":
        next_spin = create_spin(session, card, lottery, source)
        return PlayResult(spin=spin, card=card, next_spin=next_spin)
    return PlayResult(spin=spin, card=card)
