"""A Syrve order as the canonical sale (pure: no I/O).

Money arrives in currency units as decimals (``185.5``); the close time is the terminal's
local time without a zone, so the terminal group's zone is needed to place it in UTC.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import ConnectionView
from connectors.fields import local_time, minor_units, valid_phone, whole_units
from connectors.sale import PosSale, PosSaleLine, SaleCustomer
from gateway.money import minor_unit_exponent

SOURCE = "serve"
ORDER_EVENTS = frozenset({"TableOrderUpdate", "DeliveryOrderUpdate"})
CLOSED = "Closed"
REVERSED = frozenset({"Deleted", "Cancelled"})
COUPON_PREFIX = "coupon:"


def to_sale(
    connection: ConnectionView, order_id: str, order: dict[str, Any], zone: ZoneInfo
) -> PosSale:
    """The canonical sale of a closed order; ``zone`` is its terminal group's time zone."""
    exponent = minor_unit_exponent(connection.currency)
    closed = order.get("whenClosed")
    if not closed:
        raise ValueError("the order has no close time")
    terminal = str(order.get("terminalGroupId") or "") or None
    lines = [_line(item, exponent) for item in order.get("items") or [] if _counts(item)]
    return PosSale(
        source=SOURCE,
        transaction_id=order_id,
        program_id=connection.program_id,
        location=connection.locations.get(terminal, terminal) if terminal else None,
        closed_at=local_time(str(closed), zone).astimezone(UTC),
        currency=connection.currency,
        total=minor_units(order.get("sum"), exponent),
        customer=_customer(order),
        lines=[line for line in lines if line is not None],
        promo_codes=promo_codes(connection, order),
    )


def promo_codes(connection: ConnectionView, order: dict[str, Any]) -> list[str]:
    """Redeem codes the order carries: its coupon and its mapped discount types."""
    codes: list[str] = []
    coupon = str((order.get("loyaltyInfo") or {}).get("coupon") or "").strip()
    if coupon:
        # A coupon mapped by number wins; otherwise the coupon itself may be the code.
        codes.append(connection.codes.get(f"{COUPON_PREFIX}{coupon}", coupon))
    for discount in order.get("discounts") or []:
        type_id = str(((discount or {}).get("discountType") or {}).get("id") or "")
        if type_id in connection.codes:
            codes.append(connection.codes[type_id])
    return codes


def _counts(item: Any) -> bool:
    # Deleted positions stay on the order with their deletion details; they were not sold.
    return isinstance(item, dict) and not item.get("deleted")


def _line(item: dict[str, Any], exponent: int) -> PosSaleLine | None:
    product = item.get("product") or {}
    product_id = str(product.get("id") or "") or None
    if product_id is None:
        return None
    paid = item.get("resultSum")
    if paid is None:
        paid = item.get("cost")
    name = str(product.get("name") or "").strip()
    return PosSaleLine(
        product=product_id,
        category=str((item.get("productGroup") or {}).get("id") or "") or None,
        name=name[:200] or None,
        quantity=whole_units(item.get("amount")),
        amount=minor_units(paid, exponent),
    )


def _customer(order: dict[str, Any]) -> SaleCustomer:
    customer = order.get("customer") or {}
    regular = customer.get("type", "regular") == "regular"
    customer_id = str(customer.get("id") or "") if regular else ""
    return SaleCustomer(
        pos_customer_id=customer_id or None,
        phone=valid_phone(order.get("phone") or customer.get("phone")),
    )
