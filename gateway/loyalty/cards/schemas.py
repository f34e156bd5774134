"""Request and response bodies of the card routes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.loyalty.cards.birthdays import BirthdayText
from gateway.loyalty.cards.identifiers import Email, Phone
from gateway.loyalty.cards.numbers import checked_card_number
from gateway.pagination import CreatedRange, PageQuery, QueryTime
from gateway.strict import StrictModel

CARD: dict[str, Any] = {
    "id": "crd_01m8s0dnzj7bdz39mzfgxvb89e",
    "number": "961647490641",
    "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
    "stamps": 2,
    "stamps_goal": 9,
    "cycle": 1,
    "customer": {
        "phone": "+380501234567",
        "email": "olena@example.com",
        "pos": {"poster": "123"},
        "consent": {
            "email": {
                "status": "opted_in",
                "opted_in_at": "2026-11-22T10:00:00Z",
                "source": "kiosk",
                "unsubscribed_at": None,
            }
        },
        "birthday": "--02-14",
    },
    "created_at": "2026-11-22T10:00:00Z",
    "updated_at": "2026-11-22T10:00:00Z",
    "last_visit_at": "2026-11-22T10:00:00Z",
    "customer_url": "https://gw.example.org/c/q3Vh1n8Jc0uXl5rT9yWb2A",
    "apple_pass_url": None,
    "google_save_url": None,
}

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
CardNumber = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(checked_card_number),
    Field(description="Digits ending in a check digit; spaces and dashes are ignored"),
]
"""A typed card number: separators dropped, the check digit verified."""
_LOST_PLUS = re.compile(r" +[1-9]")


def _plus_from_space(raw: Any) -> Any:
    # An unencoded '+' in a query string decodes as a space: ' 380...' was sent as '+380...'.
    if isinstance(raw, str) and _LOST_PLUS.match(raw):
        return "+" + raw.lstrip(" ")
    return raw


PhoneQuery = Annotated[Phone, BeforeValidator(_plus_from_space)]


ConsentSource = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    Field(description="Where the customer said so: a form, the till, a kiosk", examples=["kiosk"]),
]
EmailConsentStatus = Annotated[
    Literal["opted_in", "unsubscribed", "none"],
    Meanings(
        {
            "opted_in": "the customer agreed to campaign e-mail (see opted_in_at and source)",
            "unsubscribed": "the customer unsubscribed or withdrew; nothing is mailed to them",
            "none": "no consent recorded: campaign e-mail skips this card",
        },
        "Whether campaign e-mail may go to the card's address.",
    ),
]


class EmailConsentIn(StrictModel):
    """The customer's answer about campaign e-mail, recorded with the time it arrives."""

    granted: bool = Field(description="true: they agree; false: they withdraw (unsubscribe)")
    source: ConsentSource


class ConsentIn(StrictModel):
    """Consent per channel; a channel left out keeps what is recorded."""

    model_config = example({"email": {"granted": True, "source": "kiosk"}})

    email: EmailConsentIn | None = None


class CustomerIn(StrictModel):
    """How the customer is known: phone (E.164 after normalising), e-mail, POS customer ids;
    and the consent they gave."""

    phone: Phone | None = Field(default=None, examples=["+380501111111"])
    email: Email | None = None
    pos: dict[PosName, PosCustomerId] = Field(default_factory=dict, max_length=10)
    consent: ConsentIn = Field(default_factory=ConsentIn)
    birthday: BirthdayText | None = None


class CardCreate(StrictModel):
    """``POST /v1/cards``."""

    model_config = example(
        {
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "customer": {
                "phone": "+380501234567",
                "email": "olena@example.com",
                "pos": {"poster": "123"},
                "consent": {"email": {"granted": True, "source": "kiosk"}},
            },
        }
    )

    program_id: str = Field(max_length=64)
    customer: CustomerIn = Field(default_factory=CustomerIn)


class EmailConsentOut(BaseModel):
    """Campaign e-mail consent of the card's customer."""

    status: EmailConsentStatus
    opted_in_at: datetime | None
    source: str | None
    unsubscribed_at: datetime | None


class ConsentOut(BaseModel):
    """Consent per channel."""

    email: EmailConsentOut


class CustomerOut(BaseModel):
    """The identifiers stored on a card, and the customer's consent."""

    phone: str | None
    email: str | None
    pos: dict[str, str]
    consent: ConsentOut
    birthday: str | None = Field(
        default=None, description="`YYYY-MM-DD`, or `--MM-DD` when the year is not known"
    )


class CardOut(BaseModel):
    """A card and its progress in the current cycle."""

    model_config = example(CARD)

    id: str
    number: str
    program_id: str
    stamps: int
    stamps_goal: int
    cycle: int
    customer: CustomerOut
    created_at: datetime
    updated_at: datetime
    last_visit_at: datetime | None = Field(
        description="The customer's latest sale or stamp on this card (null before the first)"
    )
    customer_url: str = Field(
        description="The customer's card page (progress, vouchers, spins): an unguessable link "
        "to send them or put on their Wallet pass; it carries no card number"
    )
    apple_pass_url: str | None = Field(
        description="The card's Apple Wallet pass (.pkpass) for **Add to Apple Wallet**; null "
        "until the merchant saved Apple Wallet credentials"
    )
    google_save_url: str | None = Field(
        default=None,
        description="Save to Google Wallet link of the card (a signed JWT naming its object); "
        "null until the merchant has Google Wallet credentials",
    )


class CardPage(BaseModel):
    """A page of cards."""

    model_config = page_example(CardOut)

    items: list[CardOut]
    next_cursor: str | None


class CardFilters(CreatedRange):
    """The merchant's cards; every filter given narrows the list (none: all of them)."""

    phone: PhoneQuery | None = Field(
        default=None, description="International (+380...) or national, of the merchant's country"
    )
    email: Email | None = None
    pos: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}:.{1,128}$")] | None = (
        Field(default=None, description="<pos>:<customer id>, e.g. poster:123")
    )
    program_id: str | None = Field(default=None, max_length=64)
    last_visit_after: QueryTime | None = Field(
        default=None,
        description="Only cards whose latest sale or stamp was after this time (exclusive)",
    )
    last_visit_before: QueryTime | None = Field(
        default=None,
        description="Only cards whose latest sale or stamp was before this time (exclusive); "
        "cards never visited are left out",
    )
    has_active_voucher: bool | None = Field(
        default=None,
        description="true: only cards holding a voucher that can be redeemed now; false: only "
        "cards holding none",
    )


class CardQuery(CardFilters, PageQuery):
    """A page of the merchant's cards, narrowed by the filters."""


class CardPath(BaseModel):
    """Path of one card: its number (spaces and dashes allowed)."""

    number: CardNumber


class StampsAdd(StrictModel):
    """``POST /v1/cards/{number}/stamps``: stamps from a staff scanner, kiosk or autopilot."""

    model_config = example({"count": 1, "channel": "staff", "location": "main", "staff": "bar-1"})

    count: int = Field(ge=1, le=100)
    channel: Channel
    location: Note | None = None
    staff: Note | None = None
    reason: Note | None = Field(
        default=None, description="Why the stamps were added by hand (kept in the audit log)"
    )


class JournalEntry(BaseModel):
    """One event of the card's history."""

    id: str
    type: str
    created_at: datetime
    data: dict[str, Any]


class JournalPage(BaseModel):
    """A page of the card's history, newest first."""

    model_config = example(
        {
            "items": [
                {
                    "id": "evt_01m8s0dp1108wjx4mh10pqjvdq",
                    "type": "card.stamped",
                    "created_at": "2026-11-22T10:00:00Z",
                    "data": {"card_number": "961647490641", "added": 1, "stamps": 3, "cycle": 1},
                }
            ],
            "next_cursor": None,
        }
    )

    items: list[JournalEntry]
    next_cursor: str | None
