"""Request and response bodies of the redeem code, hold, redemption and code pool routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from gateway.examples import example, example_of, page_example
from gateway.loyalty.cards.schemas import CardNumber
from gateway.loyalty.programs.rewards import CodeValue
from gateway.loyalty.vouchers.schemas import Note, RedemptionStatus, VoucherOut
from gateway.loyalty.vouchers.states import RedeemChannel
from gateway.strict import OptionalBody, StrictModel

PosTransactionId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)
]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
MAX_HOLD_SECONDS = 24 * 3600
DEFAULT_HOLD_SECONDS = 900


class CodeCheck(StrictModel):
    """``POST /v1/codes/check``: would this code redeem a voucher now? Changes no voucher."""

    model_config = example({"code": "FREEPIZZA9", "card_number": "961647490641"})

    code: CodeValue
    card_number: CardNumber | None = None
    hold_id: str | None = Field(default=None, max_length=64)
    pos_transaction_id: PosTransactionId | None = None
    location: Note | None = Field(
        default=None, description="Where the code is checked (rate limits count per location)"
    )


class CodeCheckOut(BaseModel):
    """The verdict: ``reason`` is null when the code can be redeemed."""

    model_config = example({"valid": True, "reason": None, "voucher": example_of(VoucherOut)})

    valid: bool
    reason: str | None = Field(
        description="already_redeemed, expired, voided, not_active, held, other_customer, "
        "unknown_code or customer_required"
    )
    voucher: VoucherOut | None


class CodeHold(StrictModel):
    """``POST /v1/codes/hold``: keep the voucher for this POS transaction until it closes."""

    model_config = example(
        {
            "code": "FREEPIZZA9",
            "card_number": "961647490641",
            "ttl_seconds": 300,
            "pos_transaction_id": "T-1002",
            "location": "main",
        }
    )

    code: CodeValue
    card_number: CardNumber | None = None
    ttl_seconds: int = Field(default=DEFAULT_HOLD_SECONDS, ge=1, le=MAX_HOLD_SECONDS)
    pos_transaction_id: PosTransactionId | None = None
    location: Note | None = Field(
        default=None, description="Where the code is held (rate limits count per location)"
    )


class HoldOut(BaseModel):
    """A live hold: redeem with its ``hold_id`` (or the same ``pos_transaction_id``)."""

    model_config = example(
        {
            "hold_id": "hld_01m8s0dp6f9h1k3m5p7r9t1w3y",
            "expires_at": "2026-11-22T10:05:00Z",
            "pos_transaction_id": "T-1002",
            "voucher": {**example_of(VoucherOut), "held_until": "2026-11-22T10:05:00Z"},
        }
    )

    hold_id: str
    expires_at: str
    pos_transaction_id: str | None
    voucher: VoucherOut


class CodeRedeem(StrictModel):
    """``POST /v1/codes/redeem``: redeem the voucher the code names (channel ``pos``)."""

    model_config = example(
        {
            "code": "FREEPIZZA9",
            "card_number": "961647490641",
            "location": "main",
            "pos_transaction_id": "T-1002",
        }
    )

    code: CodeValue
    card_number: CardNumber | None = None
    location: Note | None = None
    staff: Note | None = None
    pos_transaction_id: PosTransactionId | None = None
    hold_id: str | None = Field(default=None, max_length=64)


class HoldPath(BaseModel):
    """Path of one hold."""

    hold_id: str = Field(max_length=64)


class RedemptionPath(BaseModel):
    """Path of one redemption."""

    redemption_id: str = Field(max_length=64)


class RollbackRedemption(OptionalBody):
    """``POST /v1/redemptions/{id}/rollback``."""

    model_config = example({"reason": "rung up twice"})

    reason: Reason | None = None


class RedemptionOut(BaseModel):
    """A redemption and the voucher as it is now."""

    model_config = example(
        {
            "id": "red_01m8s0dp1j2qyk3wb8740fd9n1",
            "status": "redeemed",
            "voucher_id": "vch_01m8s0dp10fzd7v9vyqmcwdev8",
            "card_number": "961647490641",
            "code": "FREEPIZZA9",
            "channel": "pos",
            "location": "main",
            "staff": None,
            "pos_transaction_id": "T-1002",
            "connection_id": None,
            "sale_id": None,
            "hold_id": None,
            "redeemed_at": "2026-11-22T10:00:00Z",
            "rolled_back_at": None,
            "rollback_reason": None,
            "voucher": {
                **example_of(VoucherOut),
                "status": "redeemed",
                "redeemed_at": "2026-11-22T10:00:00Z",
                "redemption_id": "red_01m8s0dp1j2qyk3wb8740fd9n1",
            },
        }
    )

    id: str
    status: RedemptionStatus
    voucher_id: str
    card_number: str | None
    code: str | None
    channel: RedeemChannel
    location: str | None
    staff: str | None
    pos_transaction_id: str | None
    connection_id: str | None = Field(
        description="The POS connection whose sale redeemed it; null for other channels"
    )
    sale_id: str | None
    hold_id: str | None
    redeemed_at: str
    rolled_back_at: str | None
    rollback_reason: str | None
    voucher: VoucherOut


class RedemptionPage(BaseModel):
    """A page of redemptions, newest first."""

    model_config = page_example(RedemptionOut)

    items: list[RedemptionOut]
    next_cursor: str | None


class CodePoolCreate(StrictModel):
    """``POST /v1/code-pools``."""

    model_config = example({"name": "Partner coupons"})

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


SOURCE_EXAMPLE = {
    "connection_id": "con_01m8s0dp4d7f9h1k3m5p7r9t1w",
    "series_id": "9a4c2f1e-0000-4000-8000-00000000c001",
}
PosId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class PoolSourceIn(StrictModel):
    """The POS source of a pool's codes: a connection and one of its coupon series (Syrve)."""

    model_config = example(SOURCE_EXAMPLE)

    connection_id: PosId
    series_id: PosId = Field(description="The series' id in ``coupons/series`` (Syrve)")


class CodePoolPatch(StrictModel):
    """``PATCH /v1/code-pools/{pool_id}``: bind the pool to a POS source (``null`` unbinds)."""

    model_config = example({"source": SOURCE_EXAMPLE})

    source: PoolSourceIn | None


class PoolSourceOut(BaseModel):
    """Where the pool's codes come from, and how its last sync went."""

    model_config = example(
        {**SOURCE_EXAMPLE, "synced_at": "2026-11-22T10:00:00Z", "sync_error": None}
    )

    connection_id: str
    series_id: str
    synced_at: str | None = Field(description="The last sync that read the POS; null before")
    sync_error: str | None = Field(description="Why the last sync failed; null when it worked")


class CodePoolOut(BaseModel):
    """A pool: its free, taken and retired codes, and its POS source if it has one."""

    model_config = example(
        {
            "id": "cpl_01m8s0dp2a5c7e9g1j3k5m7p9r",
            "name": "Partner coupons",
            "available": 998,
            "taken": 2,
            "retired": 1,
            "source": example_of(PoolSourceOut),
            "created_at": "2026-11-22T10:00:00Z",
        }
    )

    id: str
    name: str
    available: int
    taken: int
    retired: int = Field(
        description="Codes nobody took that the POS reports activated or deleted: never given"
    )
    source: PoolSourceOut | None
    created_at: str


class CodePoolPage(BaseModel):
    """A page of pools."""

    model_config = page_example(CodePoolOut)

    items: list[CodePoolOut]
    next_cursor: str | None


class CodePoolPath(BaseModel):
    """Path of one pool."""

    pool_id: str = Field(max_length=64)


class PoolCodesJson(StrictModel):
    """The JSON form of an upload: ``{"codes": [...]}`` (``line`` = 1-based position)."""

    model_config = example({"codes": ["PZ-7K3M-Q9XD", "PZ-4HRT-2WNB"]})

    codes: list[Annotated[str, StringConstraints(max_length=1000)]] = Field(max_length=100_000)


class RowProblemOut(BaseModel):
    """A row that was not added: ``duplicate``, ``in_use``, ``empty``, ``too_long``..."""

    line: int
    code: str
    reason: str


class PoolImportOut(BaseModel):
    """What an upload did: codes added, waiting vouchers served, rows skipped or refused."""

    model_config = example(
        {
            "pool": example_of(CodePoolOut),
            "added": 998,
            "assigned": 0,
            "skipped": [],
            "rejected": [],
        }
    )

    pool: CodePoolOut
    added: int
    assigned: int = Field(description="Vouchers issued while the pool was empty that got a code")
    skipped: list[RowProblemOut]
    rejected: list[RowProblemOut]


class ProgramCodesPath(BaseModel):
    """Path of a program's code export."""

    program_id: str = Field(max_length=64)
