"""Lottery routes: a card's spins, and playing one."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.loyalty.cards.numbers import CARD_LOOKUP, normalize_card_number
from gateway.loyalty.cards.schemas import CardPath
from gateway.loyalty.lottery import service
from gateway.loyalty.lottery.presenters import spin_out
from gateway.loyalty.lottery.schemas import PlayOut, SpinPage, SpinPath, SpinQuery
from gateway.loyalty.vouchers.presenters import voucher_out

spins = merchant_blueprint(
    "spins",
    __name__,
    Tag(name="Lottery", description="Lottery spins cards earned, drawn server-side when played."),
)

PLAY_REFUSALS = ("not_found", "spin_already_played", "code_space_exhausted")


@spins.get("/cards/<number>/spins", responses={200: SpinPage, **problem_responses(*CARD_LOOKUP)})
def list_card_spins(path: CardPath, query: SpinQuery) -> dict[str, Any]:
    """The card's spins, newest first; ``?status=pending`` lists those still to play."""
    page = service.list_spins(
        request_session(), current_merchant_id(), path.number, query.status, query
    )
    number = normalize_card_number(path.number)
    return {
        "items": [spin_out(spin, number) for spin in page.items],
        "next_cursor": page.next_cursor,
    }


@spins.post("/spins/<spin_id>/play", responses={200: PlayOut, **problem_responses(*PLAY_REFUSALS)})
def play_spin(path: SpinPath) -> dict[str, Any]:
    """Play a pending spin; 409 ``spin_already_played`` when it was played before."""
    session = request_session()
    result = service.play_spin(session, current_merchant_id(), path.spin_id)
    number = result.card.number
    return {
        "outcome": result.spin.outcome,
        "voucher": voucher_out(session, result.voucher, number) if result.voucher else None,
        "award": result.award,
        "spin": spin_out(result.spin, number),
        "next_spin": spin_out(result.next_spin, number) if result.next_spin else None,
    }
