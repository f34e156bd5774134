"""POS customers -> the identifiers that find their card, and when a sale may enrol one."""

from __future__ import annotations

from typing import Literal, Protocol

IdentifierKind = Literal["card_number", "pos_customer_id", "phone", "email"]
LOOKUP_ORDER: tuple[IdentifierKind, ...] = ("card_number", "pos_customer_id", "phone", "email")
"""The identifiers of a sale's customer, strongest first: the first that finds a card wins."""


class CustomerIdentifiers(Protocol):
    """What a sale tells about its customer (any of it may be missing)."""

    @property
    def card_number(self) -> str | None:
        """The loyalty card's number, when the till scanned it."""
        ...

    @property
    def pos_customer_id(self) -> str | None:
        """The customer's id in the POS the sale came from."""
        ...

    @property
    def phone(self) -> str | None:
        """The phone in E.164."""
        ...

    @property
    def email(self) -> str | None:
        """The e-mail address."""
        ...


def card_lookups(customer: CustomerIdentifiers) -> list[tuple[IdentifierKind, str]]:
    """The identifiers the sale gave, in the order they are tried to find a card."""
    found: list[tuple[IdentifierKind, str]] = []
    for kind in LOOKUP_ORDER:
        value = getattr(customer, kind)
        if value:
            found.append((kind, value))
    return found


def may_enrol(customer: CustomerIdentifiers, auto_enroll: bool) -> bool:
    """Whether a customer whose card was not found gets a new one at the sale.

    Only in a program that enrols automatically, only a customer the sale identifies, and
    never one given by card number: a number names a card that must exist already.
    """
    return auto_enroll and not customer.card_number and bool(card_lookups(customer))


def pos_identities(pos: str, pos_customer_id: str | None) -> dict[str, str]:
    """The POS identities a new card keeps: the customer's id in the POS the sale came from."""
    return {pos: pos_customer_id} if pos_customer_id else {}
