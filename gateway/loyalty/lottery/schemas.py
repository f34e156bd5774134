"""Request and response bodies of the lottery routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from gateway.enums import Meanings
from gateway.examples import example
from gateway.loyalty.programs.rewards import Award, VariantKind
from gateway.loyalty.vouchers.schemas import VoucherOut
from gateway.pagination import PageQuery

SPIN: dict[str, Any] = {
    "id": "spn_01m8s0dp3b5d7f9h1k3m5p7r9t",
    "status": "pending",
    "card_number": "961647490641",
    "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
    "lottery": "Spin to win",
    "outcome": None,
    "created_at": "2026-11-22T10:00:00Z",
    "played_at": None,
}

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

    model_config = example({"items": [SPIN], "next_cursor": None})

    items: list[SpinOut]
    next_cursor: str | None


class PlayOut(BaseModel):
    """What playing a spin gave: the outcome and its prize, or the next spin (``try_again``)."""

    model_config = example(
        {
            "outcome": {"kind": "award", "name": "Free coffee", "greeting": "You won a coffee!"},
            "voucher": None,
            "award": {"type": "award", "description": "Any regular coffee", "image_url": None},
            "spin": {
                **SPIN,
                "status": "played",
                "outcome": {
                    "kind": "award",
                    "name": "Free coffee",
                    "greeting": "You won a coffee!",
                },
                "played_at": "2026-11-22T10:01:00Z",
            },
            "next_spin": None,
        }
    )

    outcome: OutcomeOut
    voucher: VoucherOut | None = Field(description="the voucher issued (kind voucher)")
    award: Award | None = Field(description="the award to hand over (kind award)")
    spin: SpinOut
    next_spin: SpinOut | None = Field(description="the spin to play next (kind try_again)")
