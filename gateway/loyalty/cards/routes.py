"""Card routes: enrolment, lookup, manual stamps, the journal."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3.models.tag import Tag

from gateway.api.downloads import csv_documented, csv_download
from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.loyalty.cards import service
from gateway.loyalty.cards.export import COLUMNS, card_export
from gateway.loyalty.cards.numbers import CARD_LOOKUP
from gateway.loyalty.cards.presenters import card_out
from gateway.loyalty.cards.schemas import (
    CardCreate,
    CardFilters,
    CardOut,
    CardPage,
    CardPath,
    CardQuery,
    ConsentIn,
    JournalPage,
    StampsAdd,
)
from gateway.loyalty.vouchers.granted import StampedCardOut
from gateway.loyalty.vouchers.presenters import granted_out
from gateway.pagination import PageQuery

cards = merchant_blueprint(
    "cards", __name__, Tag(name="Cards", description="Customers' cards and their stamps.")
)


@cards.post("/cards", responses={201: CardOut, **problem_responses("not_found", "card_exists")})
def enrol_card(body: CardCreate) -> tuple[dict[str, Any], int]:
    """Enrol a customer in a program; 409 ``card_exists`` when they already have a card."""
    session = request_session()
    card = service.enrol_card(session, current_merchant_id(), body)
    return card_out(session, card), 201


@cards.get("/cards", responses={200: CardPage})
def find_cards(query: CardQuery) -> dict[str, Any]:
    """The merchant's cards, newest first: all of them, or those of a customer (``phone``,
    ``email``, ``pos=<pos>:<id>``), of a program, created or last visited in a time range,
    with or without a voucher to redeem."""
    session = request_session()
    page = service.find_cards(session, current_merchant_id(), query)
    return {
        "items": [card_out(session, card) for card in page.items],
        "next_cursor": page.next_cursor,
    }


@cards.get("/cards/export.csv", responses={200: csv_documented(COLUMNS, "the cards")})
def export_cards(query: CardFilters) -> Response:
    """Every card the list would show for these filters, as CSV (streamed, newest first)."""
    return csv_download(card_export(current_merchant_id(), query), "cards.csv")


@cards.get("/cards/<number>", responses={200: CardOut, **problem_responses(*CARD_LOOKUP)})
def get_card(path: CardPath) -> dict[str, Any]:
    """A card by its number."""
    session = request_session()
    return card_out(session, service.get_card(session, current_merchant_id(), path.number))


@cards.post(
    "/cards/<number>/stamps",
    responses={200: StampedCardOut, **problem_responses(*CARD_LOOKUP, "code_space_exhausted")},
)
def stamp_card(path: CardPath, body: StampsAdd) -> dict[str, Any]:
    """Add stamps by hand; the answer lists the rewards they gave."""
    session = request_session()
    result = service.stamp_card(session, current_merchant_id(), path.number, body)
    rewards = [granted_out(session, granted, result.card.number) for granted in result.granted]
    return {**card_out(session, result.card), "rewards": rewards}


@cards.post("/cards/<number>/consent", responses={200: CardOut, **problem_responses(*CARD_LOOKUP)})
def record_consent(path: CardPath, body: ConsentIn) -> dict[str, Any]:
    """Record what the customer agreed to (campaign e-mail: opt in, or withdraw), timed now."""
    session = request_session()
    card = service.record_card_consent(session, current_merchant_id(), path.number, body)
    return card_out(session, card)


@cards.get(
    "/cards/<number>/journal", responses={200: JournalPage, **problem_responses(*CARD_LOOKUP)}
)
def card_journal(path: CardPath, query: PageQuery) -> dict[str, Any]:
    """The card's events, newest first."""
    page = service.card_journal(request_session(), current_merchant_id(), path.number, query)
    items = [
        {"id": event.id, "type": event.type, "created_at": event.created_at, "data": event.data}
        for event in page.items
    ]
    return JournalPage.model_validate({"items": items, "next_cursor": page.next_cursor}).model_dump(
        mode="json"
    )
