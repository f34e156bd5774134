"""Response bodies of the sale routes (the request bodies are the canonical POS models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from gateway.loyalty.cards.schemas import CardNumber
from gateway.pagination import CreatedRange, PageQuery, QueryTime

SaleStatus = Literal["processed", "unattributed"]


class SaleRedemptionOut(BaseModel):
    """What one promo code on the sale did."""

    code: str
    voucher_id: str | None
    status: Literal["redeemed", "rejected"]
    reason: str | None = Field(
        description="already_redeemed, expired, voided, not_active, unknown_code, "
        "customer_required or other_customer"
    )


class SaleOut(BaseModel):
    """The result of a sale: stamps, rewards and redemptions."""

    id: str
    transaction_id: str
    status: SaleStatus
    program_id: str | None
    card_number: str | None
    stamps_added: int
    rewards: list[dict[str, Any]]
    redemptions: list[SaleRedemptionOut]


class SaleListed(SaleOut):
    """A sale in the list: its result, and what the POS said about it."""

    source: str
    location: str | None
    total: int = Field(description="In minor units of the currency")
    currency: str
    closed_at: datetime = Field(description="When the sale was closed at the till")
    stamps_reversed: int = Field(description="Stamps taken back by refunds")
    created_at: datetime = Field(description="When the gateway received the sale")


class SalePage(BaseModel):
    """A page of sales, newest first."""

    items: list[SaleListed]
    next_cursor: str | None


class SaleFilters(CreatedRange):
    """The merchant's sales; every filter given narrows the list. ``closed_*`` is the time the
    sale closed at the till, ``created_*`` the time the gateway received it."""

    closed_after: QueryTime | None = Field(
        default=None, description="Only sales closed after this time (exclusive)"
    )
    closed_before: QueryTime | None = Field(
        default=None, description="Only sales closed before this time (exclusive)"
    )
    location: str | None = Field(default=None, max_length=128, description="e.g. main")
    status: SaleStatus | None = None
    card: CardNumber | None = Field(default=None, description="A card number")


class SaleQuery(SaleFilters, PageQuery):
    """A page of the merchant's sales, narrowed by the filters."""


class RefundOut(BaseModel):
    """The result of a refund."""

    id: str
    sale_id: str
    refund_id: str
    stamps_reversed: int
    shortfall: int = Field(description="Stamps that could not be taken back (rewards already used)")
    voided_vouchers: list[str]


class SalePath(BaseModel):
    """Path of one sale."""

    sale_id: str = Field(max_length=64)
