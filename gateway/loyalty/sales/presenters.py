"""Sales in the shape the list answers with."""

from __future__ import annotations

from typing import Any

from gateway.loyalty.sales.models import Sale
from gateway.loyalty.sales.schemas import SaleListed


def sale_listed(sale: Sale) -> dict[str, Any]:
    """A sale as the list shows it: its stored result and the facts of the sale."""
    listed = SaleListed.model_validate(
        {
            **sale.result,
            "source": sale.source,
            "location": sale.location,
            "total": sale.total,
            "currency": sale.currency,
            "closed_at": sale.closed_at,
            "stamps_reversed": sale.stamps_reversed,
            "created_at": sale.created_at,
        }
    )
    return listed.model_dump(mode="json")
