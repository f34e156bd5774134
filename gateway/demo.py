"""The demo data ``stampgate demo`` creates once: a coffee card program and a customer's card
on it, stamped far enough to show a voucher to use, a spin to play and the next reward."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.customer_links import card_url
from gateway.errors import DomainError
from gateway.loyalty.cards.schemas import CardCreate, StampsAdd
from gateway.loyalty.cards.service import enrol_card, get_card, stamp_card
from gateway.loyalty.programs.schemas import ProgramCreate
from gateway.loyalty.programs.service import create_program

DEMO_STAMPS = 7
DEMO_PROGRAM: dict[str, Any] = {
    "name": "Demo coffee card",
    "stamps_goal": 9,
    "reward": {
        "type": "voucher",
        "description": "Free coffee",
        "redemption": "code",
        "code": {"mode": "shared", "value": "FREECOFFEE"},
        "validity": {"kind": "days", "count": 30},
    },
    "milestones": [
        {
            "stamps": 3,
            "reward": {
                "type": "voucher",
                "description": "Free cookie",
                "redemption": "self",
                "validity": {"kind": "days", "count": 30},
            },
        },
        {
            "stamps": 6,
            "reward": {
                "type": "lottery",
                "name": "Spin to win",
                "variants": [
                    {
                        "kind": "voucher",
                        "probability": "50.00",
                        "name": "Free dessert",
                        "greeting": "You won!",
                        "reward": {
                            "type": "voucher",
                            "description": "Free dessert",
                            "redemption": "staff",
                            "validity": {"kind": "days", "count": 14},
                        },
                    },
                    {"kind": "try_again", "probability": "25.00", "name": "Spin again"},
                    {"kind": "no_prize", "probability": "25.00", "name": "Better luck next time"},
                ],
            },
        },
    ],
    "rules": [{"kind": "per_sale", "stamps": 1}],
}


def demo_card_link(session: Session, merchant_id: str, number: str | None) -> tuple[str, str]:
    """The demo card's number and customer link: the card ``number`` when it still exists,
    else a new one (with its program) stamped to show every part of the customer's pages."""
    if number:
        try:
            card = get_card(session, merchant_id, number)
        except DomainError:
            card = None
        if card is not None:
            return card.number, card_url(session, card.customer_token)
    program = create_program(session, merchant_id, ProgramCreate.model_validate(DEMO_PROGRAM))
    card = enrol_card(session, merchant_id, CardCreate(program_id=program.program.id))
    stamp_card(session, merchant_id, card.number, StampsAdd(count=DEMO_STAMPS, channel="api"))
    return card.number, card_url(session, card.customer_token)
