"""Finding the sale's customer card: by number, POS id, phone or e-mail; enrolling if allowed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.loyalty.cards.models import Card, CardPosId
from gateway.loyalty.cards.schemas import CustomerIn
from gateway.loyalty.cards.service import create_card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.sales.canonical import SaleCustomer


def resolve_card(
    session: Session, program: Program, pos: str, customer: SaleCustomer
) -> Card | None:
    """The customer's (locked) card in the program; a new one when auto-enrol allows; else None."""
    if customer.is_empty():
        return None
    in_program = select(Card).where(Card.program_id == program.id)
    candidates = []
    if customer.card_number:
        candidates.append(in_program.where(Card.number == customer.card_number))
    if customer.pos_customer_id:
        owners = select(CardPosId.card_id).where(
            CardPosId.program_id == program.id,
            CardPosId.pos == pos,
            CardPosId.pos_customer_id == customer.pos_customer_id,
        )
        candidates.append(in_program.where(Card.id.in_(owners)))
    if customer.phone:
        candidates.append(in_program.where(Card.phone == customer.phone))
    if customer.email:
        candidates.append(in_program.where(Card.email == customer.email))
    for statement in candidates:
        card = session.scalars(statement.with_for_update()).first()
        if card is not None:
            return card
    if customer.card_number or not mechanics_of(program).auto_enroll:
        return None
    pos_ids = {pos: customer.pos_customer_id} if customer.pos_customer_id else {}
    identifiers = CustomerIn.model_construct(
        phone=customer.phone, email=customer.email, pos=pos_ids
    )
    return create_card(session, program, identifiers, enrolled_by="sale")
