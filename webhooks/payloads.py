"""The ``data`` of every event type as a pydantic model, published as JSON Schema.

The models follow what the ``record_event`` calls write. They allow extra fields: adding a
field to an event later is not a breaking change for receivers that validate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.loyalty.cards.schemas import Channel
from gateway.loyalty.programs.rewards import VariantKind
from gateway.loyalty.vouchers.states import RedeemChannel, VoucherStatus
from webhooks.catalog import EVENT_TYPES


class EventData(BaseModel):
    """Data of an event; later versions may add fields."""

    model_config = ConfigDict(extra="allow")


class CardCreatedData(EventData):
    """A new card."""

    card_number: str
    program_id: str
    enrolled_by: str = Field(description="api, or sale when a sale enrolled the customer")


class CardStampedData(EventData):
    """Stamps added to a card, and where they came from."""

    card_number: str
    program_id: str
    added: int
    stamps: int = Field(description="Stamps in the current cycle after this change")
    cycle: int
    kind: Literal["sale", "manual"]
    sale_id: str | None
    channel: Channel | None = Field(description="Set for manual stamps")
    location: str | None
    staff: str | None


class CardStampsReversedData(EventData):
    """Stamps taken back by a refund; earlier cycles may be reopened."""

    card_number: str
    sale_id: str
    removed: int
    shortfall: int = Field(description="Stamps that could not be taken back (rewards used)")
    stamps: int
    cycle: int
    undone_cycles: list[int]


class CardGoalReachedData(EventData):
    """A card completed a cycle."""

    card_number: str
    program_id: str
    cycle: int = Field(description="The cycle that was completed")
    sale_id: str | None


class CardMilestoneReachedData(CardGoalReachedData):
    """A card reached a milestone of its cycle."""

    stamps: int = Field(description="The milestone's number of stamps")


class AwardSummary(EventData):
    """An award as the program describes it."""

    type: Literal["award"]
    description: str
    image_url: str | None = None


class RewardAwardedData(EventData):
    """An award to hand over."""

    card_number: str
    award: AwardSummary
    milestone: bool
    cycle: int | None
    sale_id: str | None


class VoucherSourceSummary(EventData):
    """Why the voucher exists."""

    kind: Literal["goal", "milestone", "lottery", "manual"]
    sale_id: str | None


class VoucherData(EventData):
    """A voucher's summary, as it is after the change."""

    voucher_id: str
    status: VoucherStatus
    card_number: str | None
    program_id: str | None
    description: str
    code: str | None
    valid_until: datetime | None
    source: VoucherSourceSummary


class VoucherRedeemedData(VoucherData):
    """A redeemed voucher and how it was redeemed."""

    channel: RedeemChannel
    location: str | None = None
    staff: str | None = None
    sale_id: str | None = Field(default=None, description="The sale that carried the code (pos)")
    pos_transaction_id: str | None = Field(
        default=None, description="The POS transaction that redeemed the code"
    )
    redemption_id: str | None = Field(
        default=None, description="Pass to POST /v1/redemptions/{id}/rollback to undo it"
    )


class VoucherVoidedData(VoucherData):
    """A cancelled voucher and why."""

    reason: Literal["merchant", "refund"]
    sale_id: str | None = Field(default=None, description="The refunded sale (reason refund)")


class VoucherRedemptionRolledBackData(VoucherData):
    """A redemption that was undone; the voucher is active again (or expired meanwhile)."""

    redemption_id: str
    reason: str | None


class VoucherCodePoolData(VoucherData):
    """A pool voucher waiting for a code, or one that just got its code."""

    pool_id: str


class VoucherRedemptionRejectedData(EventData):
    """A promo code on a sale that redeemed nothing."""

    code: str
    reason: str = Field(
        description="unknown_code, customer_required, other_customer, already_redeemed, "
        "expired, voided, not_active..."
    )
    sale_id: str
    card_number: str | None
    voucher_id: str | None


class LotterySpinCreatedData(EventData):
    """A spin waiting to be played."""

    spin_id: str
    card_number: str
    lottery: str = Field(description="The lottery's name")
    sale_id: str | None


class LotteryPlayedData(LotterySpinCreatedData):
    """A played spin and its outcome."""

    kind: VariantKind
    name: str = Field(description="The variant drawn")
    voucher_id: str | None
    next_spin_id: str | None = Field(description="The new spin of a try_again outcome")


class SaleData(EventData):
    """A sale as it was applied."""

    id: str
    transaction_id: str
    program_id: str | None
    card_number: str | None
    stamps_added: int
    source: str = Field(description="api or the POS connector")


class ConnectionMappingsStaleData(EventData):
    """Mappings (POS promotion id -> redeem code) whose promotion the POS no longer lists."""

    connection_id: str
    pos: str
    stale_mappings: dict[str, str]


class FraudSuspectedData(EventData):
    """A run of unknown codes that locked an API key (or one of its locations) out."""

    kind: Literal["code_guessing"]
    scope: Literal["location", "key"] = Field(
        description="location: the run of one location of the key; key: of the whole key"
    )
    api_key_id: str
    location: str | None
    operation: Literal["check", "hold", "redeem", "sale"] = Field(
        description="Where the last code was tried: a code route, or the promo codes of a sale"
    )
    unknown_codes: int = Field(description="Unknown codes in a row that set off the lockout")
    window_seconds: int = Field(description="The window of the run, and of the lockout")
    locked_until: datetime
    last_code_shape: str = Field(
        description="The last code tried, all but its first two characters masked"
    )


class EndpointFailingData(EventData):
    """A webhook endpoint failing since ``failing_since``."""

    endpoint_id: str
    url: str
    failing_since: datetime


class EndpointDisabledData(EventData):
    """A webhook endpoint that was disabled."""

    endpoint_id: str
    url: str
    reason: str


class WebhookTestData(EventData):
    """A test event."""

    message: str
    endpoint_id: str


DATA_MODELS: dict[str, type[EventData]] = {
    "card.created": CardCreatedData,
    "card.stamped": CardStampedData,
    "card.stamps_reversed": CardStampsReversedData,
    "card.goal_reached": CardGoalReachedData,
    "card.milestone_reached": CardMilestoneReachedData,
    "reward.awarded": RewardAwardedData,
    "voucher.issued": VoucherData,
    "voucher.activated": VoucherData,
    "voucher.redeemed": VoucherRedeemedData,
    "voucher.expired": VoucherData,
    "voucher.voided": VoucherVoidedData,
    "voucher.redemption_rejected": VoucherRedemptionRejectedData,
    "voucher.redemption_rolled_back": VoucherRedemptionRolledBackData,
    "voucher.code_pool_empty": VoucherCodePoolData,
    "voucher.code_assigned": VoucherCodePoolData,
    "lottery.spin_created": LotterySpinCreatedData,
    "lottery.played": LotteryPlayedData,
    "sale.processed": SaleData,
    "sale.unattributed": SaleData,
    "connection.mappings_stale": ConnectionMappingsStaleData,
    "fraud.suspected": FraudSuspectedData,
    "endpoint.failing": EndpointFailingData,
    "endpoint.disabled": EndpointDisabledData,
    "webhook.test": WebhookTestData,
}


class EventTypeOut(BaseModel):
    """One event type: its name, what it means, and the JSON Schema of its ``data``."""

    type: str
    description: str
    data_schema: dict[str, Any] = Field(alias="schema", description="JSON Schema of ``data``")


class EventTypeList(BaseModel):
    """The event catalog."""

    items: list[EventTypeOut]


def describe_event_types() -> list[dict[str, Any]]:
    """Every catalog type with its description and the JSON Schema of its data."""
    return [
        {"type": name, "description": text, "schema": DATA_MODELS[name].model_json_schema()}
        for name, text in EVENT_TYPES.items()
    ]
