"""Request and response bodies of the voucher routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.loyalty.cards.schemas import CardNumber
from gateway.loyalty.programs.rewards import Redemption, VoucherReward
from gateway.loyalty.vouchers.states import VOUCHER_STATUS_MEANINGS, RedeemChannel
from gateway.pagination import PageQuery
from gateway.strict import OptionalBody, StrictModel

VOUCHER: dict[str, Any] = {
    "id": "vch_01m8s0dp10fzd7v9vyqmcwdev8",
    "status": "active",
    "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
    "card_number": "961647490641",
    "description": "Free pizza",
    "image_url": None,
    "redemption": "code",
    "code": "FREEPIZZA9",
    "code_mode": "shared",
    "valid_until": "2026-12-22T10:00:00Z",
    "issued_at": "2026-11-22T10:00:00Z",
    "activated_at": "2026-11-22T10:00:00Z",
    "redeemed_at": None,
    "expired_at": None,
    "voided_at": None,
    "held_until": None,
    "redemption_id": None,
    "source": {"kind": "goal", "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz"},
    "customer_url": "https://gw.example.org/v/Zx4pQe7LmN2sKd9Rt1UvYw",
    "apple_pass_url": None,
    "google_save_url": None,
}

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Status = Annotated[
    Literal["issued", "active", "redeemed", "expired", "voided"], VOUCHER_STATUS_MEANINGS
]
SourceKind = Annotated[
    Literal["goal", "milestone", "lottery", "manual", "campaign"],
    Meanings(
        {
            "goal": "the card reached its program's goal",
            "milestone": "the card reached a milestone of its cycle",
            "lottery": "a lottery spin won it",
            "manual": "the merchant issued it (POST /v1/vouchers)",
            "campaign": "a campaign attached it to its message (POST /v1/campaigns)",
        },
        "Why the voucher was issued.",
    ),
]
CodeMode = Annotated[
    Literal["shared", "unique", "pool"],
    Meanings(
        {
            "shared": "one code for every voucher of the reward (e.g. the POS promo code)",
            "unique": "a code of its own, drawn from the reward's pattern",
            "pool": "a code of its own, taken from one of the merchant's code pools",
        },
        "Where the voucher's redeem code comes from.",
    ),
]


class VoucherSource(BaseModel):
    """Why the voucher exists."""

    kind: SourceKind
    sale_id: str | None


class VoucherOut(BaseModel):
    """A voucher, as the contract shows it."""

    model_config = example(VOUCHER)

    id: str
    status: Status
    program_id: str | None
    card_number: str | None
    description: str
    image_url: str | None
    redemption: Redemption
    code: str | None
    code_mode: CodeMode | None = Field(
        description="pool with a null code: issued while its pool was empty; the code follows"
    )
    valid_until: str | None
    issued_at: str
    activated_at: str | None
    redeemed_at: str | None
    expired_at: str | None
    voided_at: str | None
    held_until: str | None = Field(description="Set while a till holds the voucher")
    redemption_id: str | None = Field(description="The redemption a rollback would undo")
    source: VoucherSource
    customer_url: str = Field(
        description="The customer's voucher page (code, QR, barcode, Use now for self-redeem "
        "vouchers): an unguessable link; it carries no card number or voucher id"
    )
    apple_pass_url: str | None = Field(
        description="The voucher's Apple Wallet pass (.pkpass), voided once used or over; null "
        "until the merchant saved Apple Wallet credentials"
    )
    google_save_url: str | None = Field(
        default=None,
        description="Save to Google Wallet link of the voucher (a signed JWT naming its offer "
        "object); null until the merchant has Google Wallet credentials",
    )


class VoucherPage(BaseModel):
    """A page of vouchers."""

    model_config = page_example(VoucherOut)

    items: list[VoucherOut]
    next_cursor: str | None


class VoucherPath(BaseModel):
    """Path of one voucher."""

    voucher_id: str = Field(max_length=64)


class VoucherQuery(PageQuery):
    """Filter vouchers by card and status; ``created_*`` is the time the voucher was issued."""

    card: CardNumber | None = None
    status: Status | None = None


class GoodwillVoucher(StrictModel):
    """``POST /v1/vouchers``: a one-time voucher, with or without a card."""

    model_config = example(
        {
            "reward": {
                "type": "voucher",
                "description": "A dessert, sorry for the wait",
                "redemption": "staff",
                "validity": {"kind": "days", "count": 14},
            },
            "card_number": "961647490641",
            "reason": "goodwill",
        }
    )

    reward: VoucherReward
    card_number: CardNumber | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = "goodwill"


class AssignVoucher(StrictModel):
    """``POST /v1/vouchers/{id}/assign``."""

    model_config = example({"card_number": "961647490641"})

    card_number: CardNumber


class RedeemVoucher(OptionalBody):
    """``POST /v1/vouchers/{id}/redeem``."""

    model_config = example({"channel": "staff", "location": "main", "staff": "bar-1"})

    channel: RedeemChannel = "api"
    location: Note | None = None
    staff: Note | None = None


RedemptionStatus = Annotated[
    Literal["redeemed", "rolled_back"],
    Meanings(
        {"redeemed": "still in force", "rolled_back": "undone since (the voucher is usable again)"},
        "Whether the redemption still stands.",
    ),
]


class RedemptionQuery(PageQuery):
    """The merchant's redemptions; every filter given narrows the list. ``created_*`` is the
    time of the redemption (``redeemed_at``)."""

    voucher: str | None = Field(default=None, max_length=64, description="A voucher id (vch_...)")
    card: CardNumber | None = Field(default=None, description="A card number")
    status: RedemptionStatus | None = None
    channel: RedeemChannel | None = None
    location: str | None = Field(default=None, max_length=128, description="e.g. main")
