"""Request and response bodies of the voucher routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from gateway.loyalty.cards.schemas import CardNumber
from gateway.loyalty.programs.rewards import VoucherReward
from gateway.loyalty.vouchers.states import RedeemChannel
from gateway.pagination import PageQuery
from gateway.strict import OptionalBody, StrictModel

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Status = Literal["issued", "active", "redeemed", "expired", "voided"]


class VoucherSource(BaseModel):
    """Why the voucher exists."""

    kind: Literal["goal", "milestone", "lottery", "manual"]
    sale_id: str | None


class VoucherOut(BaseModel):
    """A voucher, as the contract shows it."""

    id: str
    status: Status
    program_id: str | None
    card_number: str | None
    description: str
    image_url: str | None
    redemption: Literal["self", "staff", "code"]
    code: str | None
    code_mode: Literal["shared", "unique", "pool"] | None = Field(
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


class VoucherPage(BaseModel):
    """A page of vouchers."""

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

    reward: VoucherReward
    card_number: CardNumber | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = "goodwill"


class AssignVoucher(StrictModel):
    """``POST /v1/vouchers/{id}/assign``."""

    card_number: CardNumber


class RedeemVoucher(OptionalBody):
    """``POST /v1/vouchers/{id}/redeem``."""

    channel: RedeemChannel = "api"
    location: Note | None = None
    staff: Note | None = None


RedemptionStatus = Literal["redeemed", "rolled_back"]


class RedemptionQuery(PageQuery):
    """The merchant's redemptions; every filter given narrows the list. ``created_*`` is the
    time of the redemption (``redeemed_at``)."""

    voucher: str | None = Field(default=None, max_length=64, description="A voucher id (vch_...)")
    card: CardNumber | None = Field(default=None, description="A card number")
    status: RedemptionStatus | None = Field(
        default=None, description="redeemed: still in force; rolled_back: undone since"
    )
    channel: RedeemChannel | None = None
    location: str | None = Field(default=None, max_length=128, description="e.g. main")
