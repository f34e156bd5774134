"""Request and response bodies of the lottery routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gateway.enums import Meanings
from gateway.loyalty.programs.rewards import Award, VariantKind
from gateway.loyalty.vouchers.schemas import VoucherOut
from gateway.pagination import PageQuery

SpinStatus = Annotated[
    Literal["pending", "played"],
    Meanings(
        {"pending": "waiting to be played", "played": "played; its outcome is set"},
        "Whether the spin was played.",
    ),
]


class SpinPath(BaseModel):
    """Path of one spin: its id."""

    spin_id: str = Field(max_length=64)


class SpinQuery(PageQuery):
    """A card's spins, optionally only those with one status."""

    status: SpinStatus | None = Field(default=None, description="pending or played")


class OutcomeOut(BaseModel):
    """The variant a spin drew."""

    kind: VariantKind
    name: str
    greeting: str


class SpinOut(BaseModel):
    """A lottery spin a card earned; ``outcome`` is set once it is played."""

    id: str
    status: SpinStatus
    card_number: str
    program_id: str
    lottery: str = Field(description="the lottery's name")
    outcome: OutcomeOut | None = None
    created_at: datetime
    played_at: datetime | None


class SpinPage(BaseModel):
    """A page of a card's spins, newest first."""

    items: list[SpinOut]
    next_cursor: str | None


class PlayOut(BaseModel):
    """What playing a spin gave: the outcome and its prize, or the next spin (``try_again``)."""

    outcome: OutcomeOut
    voucher: VoucherOut | None = Field(description="the voucher issued (kind voucher)")
    award: Award | None = Field(description="the award to hand over (kind award)")
    spin: SpinOut
    next_spin: SpinOut | None = Field(description="the spin to play next (kind try_again)")
