"""The rewards that stamps give, as answers show them: an Award, a voucher or a lottery spin
(a tagged union on ``type``), and the card after stamps with the rewards they gave."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from gateway.examples import example
from gateway.loyalty.cards.schemas import CARD, CardOut
from gateway.loyalty.lottery.schemas import SpinOut
from gateway.loyalty.programs.rewards import Award
from gateway.loyalty.vouchers.schemas import VoucherOut

MILESTONE = "true for a milestone's reward, false for the goal's"


class AwardGranted(BaseModel):
    """An Award was given: hand it over on sight."""

    type: Literal["award"]
    milestone: bool = Field(description=MILESTONE)
    award: Award


class VoucherGranted(BaseModel):
    """A voucher was issued to the card."""

    type: Literal["voucher"]
    milestone: bool = Field(description=MILESTONE)
    voucher: VoucherOut


class SpinGranted(BaseModel):
    """The card earned a lottery spin (play it with POST /v1/spins/{id}/play)."""

    type: Literal["spin"]
    milestone: bool = Field(description=MILESTONE)
    spin: SpinOut


GrantedOut = Annotated[AwardGranted | VoucherGranted | SpinGranted, Field(discriminator="type")]
GRANTED = TypeAdapter[GrantedOut](GrantedOut)


class StampedCardOut(CardOut):
    """The card after the stamps, and the rewards they gave."""

    model_config = example(
        {
            **CARD,
            "stamps": 3,
            "rewards": [
                {
                    "type": "award",
                    "milestone": True,
                    "award": {
                        "type": "award",
                        "description": "Any regular coffee",
                        "image_url": None,
                    },
                }
            ],
        }
    )

    rewards: list[GrantedOut]
