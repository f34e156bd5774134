"""The merchant's cards as CSV, with the filters of the card list."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.csv_export import Cell, CsvExport
from gateway.loyalty.cards.models import Card, CardPosId
from gateway.loyalty.cards.schemas import CardFilters
from gateway.loyalty.cards.service import redeemable_now, select_cards
from gateway.loyalty.programs.models import Program
from gateway.loyalty.vouchers.models import Voucher
from gateway.pagination import created_within

COLUMNS = (
    "id",
    "number",
    "program_id",
    "stamps",
    "stamps_goal",
    "cycle",
    "active_vouchers",
    "phone",
    "email",
    "pos_ids",
    "created_at",
    "last_visit_at",
)


def card_export(merchant_id: str, query: CardFilters) -> CsvExport[Card]:
    """The cards the list would show for this query (all pages), newest first."""
    statement = created_within(select_cards(merchant_id, query), Card.created_at, query)
    return CsvExport(COLUMNS, statement, Card.id, _records)


def _records(session: Session, cards: Sequence[Card]) -> Iterator[Sequence[Cell]]:
    ids = [card.id for card in cards]
    programs = {card.program_id for card in cards}
    goals: dict[str, int] = dict(
        session.execute(select(Program.id, Program.stamps_goal).where(Program.id.in_(programs)))
        .tuples()
        .all()
    )
    active: dict[str | None, int] = dict(
        session.execute(
            select(Voucher.card_id, func.count())
            .where(Voucher.card_id.in_(ids), *redeemable_now())
            .group_by(Voucher.card_id)
        )
        .tuples()
        .all()
    )
    pos_ids: dict[str, list[str]] = {}
    for row in session.scalars(
        select(CardPosId).where(CardPosId.card_id.in_(ids)).order_by(CardPosId.pos)
    ):
        pos_ids.setdefault(row.card_id, []).append(f"{row.pos}:{row.pos_customer_id}")
    for card in cards:
        yield (
            card.id,
            card.number,
            card.program_id,
            card.stamps,
            goals.get(card.program_id),
            card.cycle,
            active.get(card.id, 0),
            card.phone,
            card.email,
            " ".join(pos_ids.get(card.id, [])),
            card.created_at,
            card.last_visit_at,
        )
