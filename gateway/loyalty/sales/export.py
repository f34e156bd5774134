"""The merchant's sales as CSV, with the filters of the sale list."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.csv_export import Cell, CsvExport
from gateway.loyalty.cards.models import Card
from gateway.loyalty.sales.models import Sale
from gateway.loyalty.sales.schemas import SaleFilters
from gateway.loyalty.sales.service import select_sales
from gateway.pagination import created_within

COLUMNS = (
    "id",
    "source",
    "transaction_id",
    "status",
    "program_id",
    "card_number",
    "location",
    "total",
    "currency",
    "stamps_added",
    "stamps_reversed",
    "closed_at",
    "created_at",
)


def sale_export(session: Session, merchant_id: str, query: SaleFilters) -> CsvExport[Sale]:
    """The sales the list would show for this query (all pages), newest first; the filters
    are checked here (an unknown card answers 404 before anything is written)."""
    statement = created_within(select_sales(session, merchant_id, query), Sale.created_at, query)
    return CsvExport(COLUMNS, statement, Sale.id, _records)


def _records(session: Session, sales: Sequence[Sale]) -> Iterator[Sequence[Cell]]:
    card_ids = {sale.card_id for sale in sales if sale.card_id}
    numbers: dict[str, str] = dict(
        session.execute(select(Card.id, Card.number).where(Card.id.in_(card_ids))).tuples().all()
    )
    for sale in sales:
        yield (
            sale.id,
            sale.source,
            sale.transaction_id,
            sale.status,
            sale.program_id,
            numbers.get(sale.card_id) if sale.card_id else None,
            sale.location,
            sale.total,
            sale.currency,
            sale.stamps_added,
            sale.stamps_reversed,
            sale.closed_at,
            sale.created_at,
        )
