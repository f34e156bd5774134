"""The canonical POS sale: what the REST API accepts and every connector produces."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    StringConstraints,
    field_validator,
)

from gateway.examples import example
from gateway.loyalty.cards.identifiers import Email, Phone
from gateway.money import Currency
from gateway.strict import FrozenStrictModel
from gateway.text import reject_control_characters
from mappings.rules import MAX_MINOR_UNITS

MAX_LINES = 500
MAX_PROMO_CODES = 20


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


PosId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(reject_control_characters),
]
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(reject_control_characters),
]
PromoCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(reject_control_characters),
]
Source = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]
UtcTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
MinorUnits = Annotated[
    int, Field(ge=0, le=MAX_MINOR_UNITS, description="Minor units (cents, kopecks)")
]


class SaleCustomer(FrozenStrictModel):
    """Who bought: any identifier the POS knows; the card number wins when given."""

    card_number: Annotated[str, StringConstraints(pattern=r"^\d{6,20}$")] | None = None
    phone: Phone | None = None
    email: Email | None = None
    pos_customer_id: PosId | None = None

    def is_empty(self) -> bool:
        """True when no identifier was given."""
        return not (self.card_number or self.phone or self.email or self.pos_customer_id)


class PosSaleLine(FrozenStrictModel):
    """One line of the receipt."""

    product: PosId | None = None
    category: PosId | None = None
    name: Label | None = None
    quantity: int = Field(ge=0, le=100_000, description="Whole units")
    amount: MinorUnits


class PosSale(FrozenStrictModel):
    """A closed sale. The natural key is (merchant, ``source``, ``transaction_id``)."""

    model_config = example(
        {
            "source": "api",
            "transaction_id": "T-1001",
            "location": "main",
            "closed_at": "2026-11-22T10:00:00Z",
            "currency": "EUR",
            "total": 900,
            "customer": {"phone": "+380501234567"},
            "lines": [
                {"product": "12", "category": "3", "name": "Latte", "quantity": 2, "amount": 900}
            ],
            "promo_codes": ["FREEPIZZA9"],
        }
    )

    source: Source = "api"
    transaction_id: PosId
    program_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    location: PosId | None = None
    closed_at: UtcTime = Field(description="RFC 3339 with an offset; stored in UTC")
    currency: Currency
    total: MinorUnits
    customer: SaleCustomer = Field(default_factory=SaleCustomer)
    lines: list[PosSaleLine] = Field(default_factory=list, max_length=MAX_LINES)
    promo_codes: list[PromoCode] = Field(default_factory=list, max_length=MAX_PROMO_CODES)

    @field_validator("customer", mode="before")
    @classmethod
    def _no_customer(cls, value: object) -> object:
        return {} if value is None else value

    @field_validator("promo_codes")
    @classmethod
    def _distinct_codes(cls, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for code in value:
            seen.setdefault(code.casefold(), code)
        return list(seen.values())


class PosRefund(FrozenStrictModel):
    """A refund of a sale: all of it (``lines`` null) or the given lines."""

    model_config = example(
        {
            "refund_id": "R-1",
            "lines": [
                {"product": "12", "category": "3", "name": "Latte", "quantity": 1, "amount": 450}
            ],
        }
    )

    refund_id: PosId
    lines: list[PosSaleLine] | None = Field(default=None, max_length=MAX_LINES)
