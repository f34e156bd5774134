"""Finding the sale's customer card: by number, POS id, phone or e-mail; enrolling if allowed."""

from __future__ import annotations

from sqlalchemy import Select, select
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
        card = session.scalars(_cards_by(program, pos, kind, value).with_for_update()).first()
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


def _cards_by(program: Program, pos: str, kind: IdentifierKind, value: str) -> Select[tuple[Card]]:
    in_program = select(Card).where(Card.program_id == program.id)
    if kind == "card_number":
        return in_program.where(Card.number == value)
    if kind == "pos_customer_id":
        owners = select(CardPosId.card_id).where(
            CardPosId.program_id == program.id,
            CardPosId.pos == pos,
            CardPosId.pos_customer_id == value,
        )
        return in_program.where(Card.id.in_(owners))
    if kind == "phone":
        return in_program.where(Card.phone == value)
    return in_program.where(Card.email == value)
