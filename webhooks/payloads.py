"""The ``data`` of every event type as a pydantic model, published as JSON Schema.

The models follow what the ``record_event`` calls write. They allow extra fields: adding a
field to an event later is not a breaking change for receivers that validate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.enums import Meanings
from gateway.examples import example
from gateway.loyalty.cards.schemas import Channel
from gateway.loyalty.programs.rewards import VariantKind
from gateway.loyalty.vouchers.schemas import SourceKind, Status
from gateway.loyalty.vouchers.states import RedeemChannel
from webhooks.catalog import EVENT_TYPES

VOUCHER_DATA: dict[str, Any] = {
    "voucher_id": "vch_01m8s0dp10fzd7v9vyqmcwdev8",
    "status": "active",
    "card_number": "961647490641",
    "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
    "description": "Free pizza",
    "code": "FREEPIZZA9",
    "valid_until": "2026-12-31T14:33:59Z",
    "source": {"kind": "goal", "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz"},
    "customer_url": "https://gw.example.org/v/Zx4pQe7LmN2sKd9Rt1UvYw",
}


class EventData(BaseModel):
    """Data of an event; later versions may add fields."""

    model_config = ConfigDict(extra="allow")


class CardCreatedData(EventData):
    """A new card."""

    model_config = example(
        {
            "card_number": "961647490641",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "enrolled_by": "sale",
            "customer_url": "https://gw.example.org/c/q3Vh1n8Jc0uXl5rT9yWb2A",
        }
    )

    card_number: str
    program_id: str
    enrolled_by: str = Field(
        description="api; sale when a sale enrolled the customer; claim when they claimed a "
        "receipt or an insert with their phone"
    )
    customer_url: str | None = Field(
        default=None,
        description="The customer's card page, to send them (absent on events recorded before "
        "cards had customer links)",
    )


class CardStampedData(EventData):
    """Stamps added to a card, and where they came from."""

    model_config = example(
        {
            "card_number": "961647490641",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "added": 1,
            "stamps": 4,
            "cycle": 1,
            "kind": "sale",
            "sale_id": "sale_01m8s0dp0030q358kacpva62kf",
            "channel": None,
            "location": "main",
            "staff": None,
        }
    )

    card_number: str
    program_id: str
    added: int
    stamps: int = Field(description="Stamps in the current cycle after this change")
    cycle: int
    kind: Annotated[
        Literal["sale", "manual", "insert"],
        Meanings(
            {
                "sale": "a sale earned them (sale_id is set)",
                "manual": "added by hand (POST /v1/cards/{number}/stamps; channel is set)",
                "insert": "the customer claimed a delivery insert (POST /v1/claim-batches)",
            }
        ),
    ]
    sale_id: str | None
    channel: Channel | None = Field(description="Set for manual stamps")
    location: str | None
    staff: str | None


class CardStampsReversedData(EventData):
    """Stamps taken back by a refund; earlier cycles may be reopened."""

    model_config = example(
        {
            "card_number": "961647490641",
            "sale_id": "sale_01m8s0dp0030q358kacpva62kf",
            "removed": 1,
            "shortfall": 0,
            "stamps": 3,
            "cycle": 1,
            "undone_cycles": [],
        }
    )

    card_number: str
    sale_id: str
    removed: int
    shortfall: int = Field(description="Stamps that could not be taken back (rewards used)")
    stamps: int
    cycle: int
    undone_cycles: list[int]


class CardGoalReachedData(EventData):
    """A card completed a cycle."""

    model_config = example(
        {
            "card_number": "961647490641",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "cycle": 1,
            "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz",
        }
    )

    card_number: str
    program_id: str
    cycle: int = Field(description="The cycle that was completed")
    sale_id: str | None


class CardMilestoneReachedData(CardGoalReachedData):
    """A card reached a milestone of its cycle."""

    model_config = example(
        {
            "card_number": "961647490641",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "cycle": 1,
            "sale_id": "sale_01m8s0dp0030q358kacpva62kf",
            "stamps": 3,
        }
    )

    stamps: int = Field(description="The milestone's number of stamps")


class AwardSummary(EventData):
    """An award as the program describes it."""

    model_config = example(
        {"type": "award", "description": "Any regular coffee", "image_url": None}
    )

    type: Literal["award"]
    description: str
    image_url: str | None = None


class RewardAwardedData(EventData):
    """An award to hand over."""

    model_config = example(
        {
            "card_number": "961647490641",
            "award": {"type": "award", "description": "Any regular coffee", "image_url": None},
            "milestone": True,
            "cycle": 1,
            "sale_id": "sale_01m8s0dp0030q358kacpva62kf",
        }
    )

    card_number: str
    award: AwardSummary
    milestone: bool
    cycle: int | None
    sale_id: str | None


class VoucherSourceSummary(EventData):
    """Why the voucher exists."""

    model_config = example({"kind": "goal", "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz"})

    kind: SourceKind
    sale_id: str | None


class VoucherData(EventData):
    """A voucher's summary, as it is after the change."""

    model_config = example(VOUCHER_DATA)

    voucher_id: str
    status: Status
    card_number: str | None
    program_id: str | None
    description: str
    code: str | None
    valid_until: datetime | None
    source: VoucherSourceSummary
    customer_url: str | None = Field(
        default=None,
        description="The customer's voucher page, to send them (absent on events recorded "
        "before vouchers had customer links)",
    )


class VoucherRedeemedData(VoucherData):
    """A redeemed voucher and how it was redeemed."""

    model_config = example(
        {
            **VOUCHER_DATA,
            "status": "redeemed",
            "channel": "pos",
            "location": "main",
            "staff": None,
            "sale_id": "sale_01m8s0dp1d3v6s9k7x2c4b8n0m",
            "pos_transaction_id": "T-1002",
            "redemption_id": "red_01m8s0dp1j2qyk3wb8740fd9n1",
        }
    )

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

    model_config = example(
        {
            **VOUCHER_DATA,
            "status": "voided",
            "reason": "refund",
            "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz",
        }
    )

    reason: Annotated[
        Literal["merchant", "refund"],
        Meanings(
            {
                "merchant": "the merchant cancelled it (POST /v1/vouchers/{id}/void)",
                "refund": "the sale whose stamps paid for it was refunded",
            }
        ),
    ]
    sale_id: str | None = Field(default=None, description="The refunded sale (reason refund)")


class VoucherRedemptionRolledBackData(VoucherData):
    """A redemption that was undone; the voucher is active again (or expired meanwhile)."""

    model_config = example(
        {
            **VOUCHER_DATA,
            "redemption_id": "red_01m8s0dp1j2qyk3wb8740fd9n1",
            "reason": "rung up twice",
        }
    )

    redemption_id: str
    reason: str | None


class VoucherCodePoolData(VoucherData):
    """A pool voucher waiting for a code, or one that just got its code."""

    model_config = example(
        {**VOUCHER_DATA, "code": None, "pool_id": "cpl_01m8s0dp2a5c7e9g1j3k5m7p9r"}
    )

    pool_id: str


class VoucherRedemptionRejectedData(EventData):
    """A code that redeemed nothing: a promo code on a sale, a voucher used on its page, or a
    voucher refused at the staff scanner (then ``channel``, ``location`` and ``staff`` say
    where)."""

    model_config = example(
        {
            "code": "FREEPIZZA9",
            "reason": "already_redeemed",
            "sale_id": "sale_01m8s0dp2m4n6p8r0t2v4x6z8b",
            "card_number": "961647490641",
            "voucher_id": "vch_01m8s0dp10fzd7v9vyqmcwdev8",
        }
    )

    code: str | None = Field(description="The code presented (null: a voucher without a code)")
    reason: str = Field(
        description="unknown_code, customer_required, other_customer, already_redeemed, "
        "expired, voided, not_active..."
    )
    sale_id: str | None = Field(
        description="The sale that carried the code (null on a voucher's page or at a scanner)"
    )
    card_number: str | None
    voucher_id: str | None
    channel: RedeemChannel | None = Field(
        default=None,
        description="Who tried to redeem, when not a sale's promo code (self: the voucher "
        "page; staff: the staff scanner)",
    )
    location: str | None = Field(default=None, description="The scanner seat's location")
    staff: str | None = Field(default=None, description="The scanner seat (its user id)")


class LotterySpinCreatedData(EventData):
    """A spin waiting to be played."""

    model_config = example(
        {
            "spin_id": "spn_01m8s0dp3b5d7f9h1k3m5p7r9t",
            "card_number": "961647490641",
            "lottery": "Spin to win",
            "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz",
        }
    )

    spin_id: str
    card_number: str
    lottery: str = Field(description="The lottery's name")
    sale_id: str | None


class LotteryPlayedData(LotterySpinCreatedData):
    """A played spin and its outcome."""

    model_config = example(
        {
            "spin_id": "spn_01m8s0dp3b5d7f9h1k3m5p7r9t",
            "card_number": "961647490641",
            "lottery": "Spin to win",
            "sale_id": "sale_01m8s0dp0y9805chhh9xrfvnhz",
            "kind": "voucher",
            "name": "Free coffee",
            "voucher_id": "vch_01m8s0dp3c6e8g0j2m4p6r8t0w",
            "next_spin_id": None,
        }
    )

    kind: VariantKind
    name: str = Field(description="The variant drawn")
    voucher_id: str | None
    next_spin_id: str | None = Field(description="The new spin of a try_again outcome")
    channel: str | None = Field(
        default=None, description="`staff` when played at the staff scanner; null: the API"
    )
    location: str | None = Field(default=None, description="The scanner seat's location")
    staff: str | None = Field(default=None, description="The scanner seat (its user id)")


class SaleData(EventData):
    """A sale as it was applied."""

    model_config = example(
        {
            "id": "sale_01m8s0dp0030q358kacpva62kf",
            "transaction_id": "T-1001",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "card_number": "961647490641",
            "stamps_added": 1,
            "source": "api",
        }
    )

    id: str
    transaction_id: str
    program_id: str | None
    card_number: str | None
    stamps_added: int
    source: str = Field(description="api or the POS connector")


class SaleClaimedData(SaleData):
    """An unattributed sale that its customer claimed: its stamps went to ``card_number``."""

    model_config = example(
        {
            "id": "sale_01m8s0dp0030q358kacpva62kf",
            "transaction_id": "T-1001",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "card_number": "961647490641",
            "stamps_added": 2,
            "source": "api",
            "claim_id": "clm_01m8s0dp6f9h1k3m5p7r9t1w3y",
        }
    )

    claim_id: str


ClaimRejectionReason = Annotated[
    Literal["already_claimed", "expired", "refunded", "other_program"],
    Meanings(
        {
            "already_claimed": "the link was claimed before (a second claim, a shared photo)",
            "expired": "the link's time to claim is over",
            "refunded": "the sale of the link was refunded",
            "other_program": "the card offered is not of the link's program",
        },
        "Why the claim was refused.",
    ),
]


class ClaimRejectedData(EventData):
    """A claim link that was opened or sent and refused."""

    model_config = example(
        {
            "claim_id": "clm_01m8s0dp6f9h1k3m5p7r9t1w3y",
            "kind": "sale",
            "sale_id": "sale_01m8s0dp0030q358kacpva62kf",
            "batch_id": None,
            "reason": "already_claimed",
        }
    )

    claim_id: str
    kind: Annotated[
        Literal["sale", "insert"],
        Meanings(
            {
                "sale": "the claim link of an unattributed sale (sale_id is set)",
                "insert": "a delivery insert of a claim batch (batch_id is set)",
            }
        ),
    ]
    sale_id: str | None
    batch_id: str | None
    reason: ClaimRejectionReason


class ConnectionMappingsStaleData(EventData):
    """Mappings (POS promotion id -> redeem code) whose promotion the POS no longer lists."""

    model_config = example(
        {
            "connection_id": "con_01m8s0dp4d7f9h1k3m5p7r9t1w",
            "pos": "poster",
            "stale_mappings": {"17": "FREEPIZZA9"},
        }
    )

    connection_id: str
    pos: str
    stale_mappings: dict[str, str]


class FraudSuspectedData(EventData):
    """A run of unknown codes that locked an API key (or one of its locations) out."""

    model_config = example(
        {
            "kind": "code_guessing",
            "scope": "location",
            "api_key_id": "key_01m8s0dnyp52sw4khjxmyksbqg",
            "location": "main",
            "operation": "redeem",
            "unknown_codes": 20,
            "window_seconds": 900,
            "locked_until": "2026-11-22T10:15:00Z",
            "last_code_shape": "FR********",
        }
    )

    kind: Literal["code_guessing"]
    scope: Annotated[
        Literal["location", "key"],
        Meanings(
            {
                "location": "the run of one location of the key; that location is locked out",
                "key": "the run of the whole key; the key is locked out",
            }
        ),
    ]
    api_key_id: str
    location: str | None
    operation: Annotated[
        Literal["check", "hold", "redeem", "sale"],
        Meanings(
            {
                "check": "POST /v1/codes/check",
                "hold": "POST /v1/codes/hold",
                "redeem": "POST /v1/codes/redeem",
                "sale": "the promo codes of a sale",
            },
            "Where the last code was tried.",
        ),
    ]
    unknown_codes: int = Field(description="Unknown codes in a row that set off the lockout")
    window_seconds: int = Field(description="The window of the run, and of the lockout")
    locked_until: datetime
    last_code_shape: str = Field(
        description="The last code tried, all but its first two characters masked"
    )


class EndpointFailingData(EventData):
    """A webhook endpoint failing since ``failing_since``."""

    model_config = example(
        {
            "endpoint_id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y",
            "url": "https://pos.example.com/hooks/stampgate",
            "failing_since": "2026-11-21T10:00:00Z",
        }
    )

    endpoint_id: str
    url: str
    failing_since: datetime


class EndpointDisabledData(EventData):
    """A webhook endpoint that was disabled."""

    model_config = example(
        {
            "endpoint_id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y",
            "url": "https://pos.example.com/hooks/stampgate",
            "reason": "failing for 5 days",
        }
    )

    endpoint_id: str
    url: str
    reason: str


class WebhookTestData(EventData):
    """A test event."""

    model_config = example(
        {"message": "A test event from stampgate", "endpoint_id": "whe_01m8s0dp5e8g0j2m4p6r8t0w2y"}
    )

    message: str
    endpoint_id: str


class CampaignMessageData(EventData):
    """A campaign's message for one card on one channel: push it to the saved Wallet card
    (``wallet``: ``push_text``) or send it through the messenger bot (``message_text``)."""

    model_config = example(
        {
            "campaign_id": "cmp_01m8s0dp1q6jj235k7khx2f352",
            "message_id": "cmm_01m8s0dp1q6jj235k7khx2f353",
            "card_number": "961647490641",
            "channel": "wallet",
            "push_text": "Coffee's waiting ☕",
            "message_text": "We miss you! Here is a free dessert with your next coffee.",
            "customer_url": "https://gw.example.org/c/Zx4pQe7LmN2sKd9Rt1UvYw",
            "voucher_id": "vch_01m8s0dp10fzd7v9vyqmcwdev8",
        }
    )

    campaign_id: str
    message_id: str
    card_number: str
    channel: Annotated[
        Literal["wallet", "messenger"],
        Meanings(
            {
                "wallet": "push push_text to the customer's saved Wallet card",
                "messenger": "send message_text through the merchant's messenger bot",
            },
            "Where the message goes.",
        ),
    ]
    push_text: str | None
    message_text: str | None
    customer_url: str = Field(description="The card's customer page (an unguessable link)")
    voucher_id: str | None = Field(description="The voucher the campaign attached, if any")


class WalletPassData(EventData):
    """A phone's Wallet registered (or removed) a pass: the pass of a card or of a voucher."""

    model_config = example(
        {
            "wallet": "apple",
            "pass_kind": "card",
            "serial_number": "crd_01m8s0dnz989va9jv410bcyyg6",
            "card_number": "961647490641",
            "voucher_id": None,
            "devices": 1,
        }
    )

    wallet: Annotated[
        Literal["apple"], Meanings({"apple": "Apple Wallet (PassKit)"}, "Which Wallet.")
    ]
    pass_kind: Annotated[
        Literal["card", "voucher"],
        Meanings({"card": "the card's store card", "voucher": "a voucher's pass"}, "The pass."),
    ]
    serial_number: str = Field(description="The pass's serial: the card's or voucher's id")
    card_number: str | None
    voucher_id: str | None
    devices: int = Field(ge=0, description="Devices that keep the pass after this change")


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
    "campaign.message": CampaignMessageData,
    "wallet.pass_installed": WalletPassData,
    "wallet.pass_removed": WalletPassData,
    "sale.claimed": SaleClaimedData,
    "claim.rejected": ClaimRejectedData,
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

    model_config = example(
        {
            "items": [
                {
                    "type": "card.created",
                    "description": "A card was enrolled in a program.",
                    "schema": {"type": "object", "properties": {"card_number": {"type": "string"}}},
                }
            ]
        }
    )

    items: list[EventTypeOut]


def describe_event_types() -> list[dict[str, Any]]:
    """Every catalog type with its description and the JSON Schema of its data."""
    return [
        {"type": name, "description": text, "schema": DATA_MODELS[name].model_json_schema()}
        for name, text in EVENT_TYPES.items()
    ]
