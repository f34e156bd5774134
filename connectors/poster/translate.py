"""A Poster transaction as the canonical sale (pure: no I/O).

Poster sends every value as a string; money is in minor units (kopecks, cents) and times
are Unix milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.base import ConnectionView
from connectors.fields import minor_units, valid_email, valid_phone, whole_units
from gateway.loyalty.sales.canonical import PosSale, PosSaleLine, SaleCustomer
from mappings.locations import location_of
from mappings.promo_codes import codes_of_promotions

SOURCE = "poster"
CLOSED, REMOVED = "2", "3"
_NONE = {"", "0", None}


def status_of(transaction: dict[str, Any]) -> str:
    """``1`` open, ``2`` closed, ``3`` removed."""
    return str(transaction.get("status", ""))


def to_sale(
    connection: ConnectionView,
    transaction: dict[str, Any],
    lines: list[dict[str, Any]],
    customer: dict[str, Any] | None,
) -> PosSale:
    """The canonical sale of a closed transaction (lines from ``dash.getTransactionProducts``)."""
    spot = _id(transaction.get("spot_id"))
    sale_lines = [_line(line) for line in lines or transaction.get("products") or []]
    promotions = {key for line in lines if (key := _id(line.get("promotion_id")))}
    return PosSale(
        source=SOURCE,
        transaction_id=str(transaction["transaction_id"]),
        program_id=connection.program_id,
        location=location_of(connection.locations, spot),
        closed_at=closed_at(transaction),
        currency=connection.currency,
        total=minor_units(transaction.get("payed_sum") or transaction.get("sum")),
        customer=_customer(_id(transaction.get("client_id")), customer, connection.country),
        lines=[line for line in sale_lines if line is not None],
        promo_codes=codes_of_promotions(connection.codes, sorted(promotions)),
    )


def closed_at(transaction: dict[str, Any]) -> datetime:
    """``date_close`` (Unix milliseconds) in UTC."""
    millis = int(str(transaction.get("date_close") or "0"))
    if millis <= 0:
        raise ValueError("the transaction has no close time")
    return datetime.fromtimestamp(millis / 1000, UTC)


def _line(line: dict[str, Any]) -> PosSaleLine | None:
    product = _id(line.get("product_id"))
    if product is None:
        return None
    name = str(line.get("product_name") or "").strip()
    return PosSaleLine(
        product=product,
        category=_id(line.get("category_id") or line.get("menu_category_id")),
        name=name[:200] or None,
        quantity=whole_units(line.get("num")),
        amount=minor_units(line.get("payed_sum") or line.get("product_sum")),
    )


def _customer(
    client_id: str | None, client: dict[str, Any] | None, country: str | None
) -> SaleCustomer:
    if client_id is None:
        return SaleCustomer()
    client = client or {}
    return SaleCustomer(
        pos_customer_id=client_id,
        phone=valid_phone(client.get("phone_number") or client.get("phone"), country),
        email=valid_email(client.get("email")),
    )


def _id(value: Any) -> str | None:
    return None if value in _NONE or str(value) in _NONE else str(value)
