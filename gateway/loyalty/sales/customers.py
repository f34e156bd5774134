"""Finding the sale's customer card: by number, POS id, phone or e-mail; enrolling if allowed."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session

from gateway.loyalty.cards.models import Card, CardPosId
from gateway.loyalty.cards.schemas import CustomerIn
from gateway.loyalty.cards.service import create_card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.sales.canonical import SaleCustomer
from mappings.customers import IdentifierKind, card_lookups, may_enrol, pos_identities


def resolve_card(
    session: Session, program: Program, pos: str, customer: SaleCustomer
) -> Card | None:
    """The customer's (locked) card in the program; a new one when auto-enrol allows; else None."""
    lookups = card_lookups(customer)
    if not lookups:
        return None
    for kind, value in lookups:
        found = {"program_id": program.id, "pos": pos, "value": value}
        card = session.scalars(_CARDS_BY[kind], found).first()
        if card is not None:
            return card
    if not may_enrol(customer, mechanics_of(program).auto_enroll):
        return None
    identifiers = CustomerIn.model_construct(
        phone=customer.phone,
        email=customer.email,
        pos=pos_identities(pos, customer.pos_customer_id),
    )
    return create_card(session, program, identifiers, enrolled_by="sale")


def _in_program_where(condition: ColumnElement[bool]) -> Select[tuple[Card]]:
    return (
        select(Card).where(Card.program_id == bindparam("program_id"), condition).with_for_update()
    )


# Built once: building a lookup and its cache key anew cost about 0.1 ms a sale.
_CARDS_BY: dict[IdentifierKind, Select[tuple[Card]]] = {
    "card_number": _in_program_where(Card.number == bindparam("value")),
    "pos_customer_id": _in_program_where(
        Card.id.in_(
            select(CardPosId.card_id).where(
                CardPosId.program_id == bindparam("program_id"),
                CardPosId.pos == bindparam("pos"),
                CardPosId.pos_customer_id == bindparam("value"),
            )
        )
    ),
    "phone": _in_program_where(Card.phone == bindparam("value")),
    "email": _in_program_where(Card.email == bindparam("value")),
}
