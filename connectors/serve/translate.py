"""A Syrve order as the canonical sale (pure: no I/O).

Money arrives in currency units as decimals (``185.5``); the close time is the terminal's
local time without a zone, so the terminal group's zone is needed to place it in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import ConnectionView
from connectors.fields import local_time, minor_units, valid_phone, whole_units
from gateway.loyalty.sales.canonical import PosSale, PosSaleLine, SaleCustomer
from gateway.money import minor_unit_exponent
from mappings.locations import location_of
from mappings.promo_codes import code_of_coupon, codes_of_promotions

SOURCE = "serve"
ORDER_EVENTS = frozenset({"TableOrderUpdate", "DeliveryOrderUpdate"})
CLOSED = "Closed"
REVERSED = frozenset({"Deleted", "Cancelled"})


@dataclass(frozen=True)
class Lookups:
    """What the API adds to an order: its terminal's zone, its coupon's series, a phone."""

    zone: ZoneInfo
    coupon_series: str | None = None
    phone: str | None = None


def to_sale(
    connection: ConnectionView, order_id: str, order: dict[str, Any], found: Lookups
) -> PosSale:
    """The canonical sale of a closed order, with what the API told about it."""
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
        location=location_of(connection.locations, terminal),
        closed_at=local_time(str(closed), found.zone).astimezone(UTC),
        currency=connection.currency,
        total=minor_units(order.get("sum"), exponent),
        customer=_customer(order, found.phone, connection.country),
        lines=[line for line in lines if line is not None],
        promo_codes=promo_codes(connection, order, found.coupon_series),
    )


def organization_of(event: dict[str, Any]) -> str | None:
    """The organization an event belongs to, as the event names it (None when it names none)."""
    info = event.get("eventInfo")
    named = event.get("organizationId") or (info if isinstance(info, dict) else {}).get(
        "organizationId"
    )
    return str(named or "").strip() or None


def coupon_of(order: dict[str, Any]) -> str:
    """The coupon number applied to the order, or ``""``."""
    loyalty = order.get("loyaltyInfo")
    return str((loyalty if isinstance(loyalty, dict) else {}).get("coupon") or "").strip()


def promo_codes(
    connection: ConnectionView, order: dict[str, Any], coupon_series: str | None = None
) -> list[str]:
    """Redeem codes the order carries: its coupon and its mapped discount types."""
    coupon = coupon_of(order)
    codes = [code_of_coupon(connection.codes, coupon, coupon_series)] if coupon else []
    return codes + codes_of_promotions(connection.codes, discount_types(order))


def discount_types(order: dict[str, Any]) -> list[str]:
    """The ids of the discount types applied to the order, in its order."""
    return [
        str(((discount or {}).get("discountType") or {}).get("id") or "")
        for discount in order.get("discounts") or []
    ]


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


def regular_customer(order: dict[str, Any]) -> str | None:
    """The id of the order's registered customer (a one-time guest has none)."""
    customer = order.get("customer")
    if not isinstance(customer, dict) or customer.get("type", "regular") != "regular":
        return None
    return str(customer.get("id") or "") or None


def phone_of(order: dict[str, Any]) -> str | None:
    """The phone the order carries, as given."""
    customer = order.get("customer")
    given = order.get("phone") or (customer.get("phone") if isinstance(customer, dict) else None)
    return str(given) if given else None


def _customer(order: dict[str, Any], looked_up: str | None, country: str | None) -> SaleCustomer:
    return SaleCustomer(
        pos_customer_id=regular_customer(order),
        phone=valid_phone(phone_of(order) or looked_up, country),
    )
