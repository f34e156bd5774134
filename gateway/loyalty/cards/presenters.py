"""Cards in the shape the API answers with."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.customer_links import card_url
from gateway.loyalty.cards.birthdays import birthday_text
from gateway.loyalty.cards.consent import consent_out
from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.schemas import CardOut
from gateway.loyalty.cards.service import pos_ids_of
from gateway.loyalty.programs.models import Program
from gateway.wallet.apple.directory import apple_pass_url
from gateway.wallet.google.links import card_save_url


def card_out(session: Session, card: Card) -> dict[str, Any]:
    """A card as the API shows it."""
    program = session.get(Program, card.program_id)
    assert program is not None  # a foreign key guarantees it
    customer = {
        "phone": card.phone,
        "email": card.email,
        "pos": pos_ids_of(session, card),
        "consent": consent_out(card),
        "birthday": birthday_text(card.birthday_md, card.birthday_year),
    }
    page = card_url(session, card.customer_token)
    out = CardOut(
        id=card.id,
        number=card.number,
        program_id=card.program_id,
        stamps=card.stamps,
        stamps_goal=program.stamps_goal,
        cycle=card.cycle,
        customer=customer,
        created_at=card.created_at,
        updated_at=card.updated_at,
        last_visit_at=card.last_visit_at,
        customer_url=page,
        apple_pass_url=apple_pass_url(session, card.merchant_id, page),
        google_save_url=card_save_url(session, card),
    )
    return out.model_dump(mode="json")
