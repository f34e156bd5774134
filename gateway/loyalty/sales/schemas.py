"""Response bodies of the sale routes (the request bodies are the canonical POS models)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gateway.enums import Meanings
from gateway.examples import example, example_of
from gateway.loyalty.cards.schemas import GrantedOut
from gateway.loyalty.vouchers.schemas import VoucherOut


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
        }
    )

    id: str
    transaction_id: str
    status: Annotated[
        Literal["processed", "unattributed"],
        Meanings(
            {
                "processed": "the sale was applied to a card (stamps, rewards, redemptions)",
                "unattributed": "the sale named no known customer: stored without stamps "
                "(a claim link can attach it to a card later)",
            }
        ),
    ]
    program_id: str | None
    card_number: str | None
    stamps_added: int
    rewards: list[GrantedOut]
    redemptions: list[SaleRedemptionOut]


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
