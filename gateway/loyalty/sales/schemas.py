"""Response bodies of the sale routes (the request bodies are the canonical POS models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gateway.enums import Meanings
from gateway.examples import example, example_of, page_example
from gateway.loyalty.cards.schemas import CardNumber
from gateway.loyalty.vouchers.granted import GrantedOut
from gateway.loyalty.vouchers.schemas import VoucherOut
from gateway.pagination import CreatedRange, PageQuery, QueryTime

SaleStatus = Annotated[
    Literal["processed", "unattributed"],
    Meanings(
        {
            "processed": "the sale was applied to a card (stamps, rewards, redemptions)",
            "unattributed": "the sale named no known customer: stored without stamps "
            "(a claim link can attach it to a card later)",
        },
        "What became of the sale.",
    ),
]


class SaleRedemptionOut(BaseModel):
    """What one promo code on the sale did."""

    code: str
    voucher_id: str | None
    status: Annotated[
        Literal["redeemed", "rejected"],
        Meanings(
            {
                "redeemed": "the code redeemed the voucher in voucher_id",
                "rejected": "the code redeemed nothing; reason says why",
            }
        ),
    ]
    reason: str | None = Field(
        description="already_redeemed, expired, voided, not_active, unknown_code, "
        "customer_required or other_customer"
    )


class SaleOut(BaseModel):
    """The result of a sale: stamps, rewards and redemptions."""

    model_config = example(
        {
            "id": "sale_01m8s0dp0y9805chhh9xrfvnhz",
            "transaction_id": "T-1001",
            "status": "processed",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "card_number": "961647490641",
            "stamps_added": 1,
            "rewards": [{"type": "voucher", "milestone": False, "voucher": example_of(VoucherOut)}],
            "redemptions": [
                {
                    "code": "FREECOFFEE",
                    "voucher_id": None,
                    "status": "rejected",
                    "reason": "unknown_code",
                }
            ],
            "claim_url": None,
        }
    )

    id: str
    transaction_id: str
    status: SaleStatus
    program_id: str | None
    card_number: str | None
    stamps_added: int
    rewards: list[GrantedOut]
    redemptions: list[SaleRedemptionOut]
    claim_url: str | None = Field(
        default=None,
        description="An unattributed sale's one-time claim link (print it, or its QR code "
        "at claim_url + /qr.png, on the receipt); null once claimed, or when the sale was "
        "attributed or earns no stamps",
    )


class SaleListed(SaleOut):
    """A sale in the list: its result, and what the POS said about it."""

    model_config = example(
        {
            **example_of(SaleOut),
            "source": "api",
            "location": "main",
            "total": 900,
            "currency": "EUR",
            "closed_at": "2026-11-22T10:00:00Z",
            "stamps_reversed": 0,
            "created_at": "2026-11-22T10:00:01Z",
        }
    )

    source: str
    location: str | None
    total: int = Field(description="In minor units of the currency")
    currency: str
    closed_at: datetime = Field(description="When the sale was closed at the till")
    stamps_reversed: int = Field(description="Stamps taken back by refunds")
    created_at: datetime = Field(description="When the gateway received the sale")


class SalePage(BaseModel):
    """A page of sales, newest first."""

    model_config = page_example(SaleListed)

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

    model_config = example(
        {
            "id": "ref_01m8s0dp21793e67qr7h4073az",
            "sale_id": "sale_01m8s0dp0030q358kacpva62kf",
            "refund_id": "R-1",
            "stamps_reversed": 1,
            "shortfall": 0,
            "voided_vouchers": [],
        }
    )

    id: str
    sale_id: str
    refund_id: str
    stamps_reversed: int
    shortfall: int = Field(description="Stamps that could not be taken back (rewards already used)")
    voided_vouchers: list[str]


class SalePath(BaseModel):
    """Path of one sale."""

    sale_id: str = Field(max_length=64)
