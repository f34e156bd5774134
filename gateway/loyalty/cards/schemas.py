"""Request and response bodies of the card routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, TypeAdapter

from gateway.enums import Meanings
from gateway.loyalty.cards.identifiers import Email, Phone
from gateway.loyalty.lottery.schemas import SpinOut
from gateway.loyalty.programs.rewards import Award
from gateway.loyalty.vouchers.schemas import VoucherOut
from gateway.strict import StrictModel

PosName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
PosCustomerId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
PosReference = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}:.{1,128}$")]
Channel = Annotated[
    Literal["staff", "kiosk", "autopilot", "api"],
    Meanings(
        {
            "staff": "a cashier added them with the staff scanner",
            "kiosk": "the customer scanned their card at a self-service kiosk",
            "autopilot": "the autopilot scanner added them without a cashier",
            "api": "the merchant's own system through this API",
        },
        "Where manually added stamps came from.",
    ),
]


class CustomerIn(StrictModel):
    """How the customer is known: phone (E.164 after normalising), e-mail, POS customer ids."""

    phone: Phone | None = Field(default=None, examples=["+380501111111"])
    email: Email | None = None
    pos: dict[PosName, PosCustomerId] = Field(default_factory=dict, max_length=10)


class CardCreate(StrictModel):
    """``POST /v1/cards``."""

    program_id: str = Field(max_length=64)
    customer: CustomerIn = Field(default_factory=CustomerIn)


class CustomerOut(BaseModel):
    """The identifiers stored on a card."""

    phone: str | None
    email: str | None
    pos: dict[str, str]


class CardOut(BaseModel):
    """A card and its progress in the current cycle."""

    id: str
    number: str
    program_id: str
    stamps: int
    stamps_goal: int
    cycle: int
    customer: CustomerOut
    created_at: datetime
    updated_at: datetime


class CardPage(BaseModel):
    """A page of cards."""

    items: list[CardOut]
    next_cursor: str | None


class CardQuery(BaseModel):
    """Find cards by one identifier (and optionally one program)."""

    phone: Phone | None = None
    email: Email | None = None
    pos: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}:.{1,128}$")] | None = (
        Field(default=None, description="<pos>:<customer id>, e.g. poster:123")
    )
    program_id: str | None = Field(default=None, max_length=64)
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=500)


class CardPath(BaseModel):
    """Path of one card: its number (spaces and dashes allowed)."""

    number: str = Field(max_length=40)


class StampsAdd(StrictModel):
    """``POST /v1/cards/{number}/stamps``: stamps from a staff scanner, kiosk or autopilot."""

    count: int = Field(ge=1, le=100)
    channel: Channel
    location: Note | None = None
    staff: Note | None = None


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

    rewards: list[GrantedOut]


class JournalEntry(BaseModel):
    """One event of the card's history."""

    id: str
    type: str
    created_at: datetime
    data: dict[str, Any]


class JournalPage(BaseModel):
    """A page of the card's history, newest first."""

    items: list[JournalEntry]
    next_cursor: str | None
