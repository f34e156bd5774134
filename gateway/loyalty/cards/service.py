"""Cards: enrolment, lookup by number or customer identifier, manual stamps, the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session

from gateway.audit.recorder import note
from gateway.customer_links import card_url, new_customer_token
from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import DomainError, not_found
from gateway.ids import new_id
from gateway.loyalty.cards.birthdays import Birthday
from gateway.loyalty.cards.consent import record_consent
from gateway.loyalty.cards.ledger import Stamping, add_stamps, record_visit
from gateway.loyalty.cards.models import Card, CardPosId, StampEntry
from gateway.loyalty.cards.numbers import (
    card_number_problem,
    new_card_number,
    normalize_card_number,
)
from gateway.loyalty.cards.schemas import (
    CardCreate,
    CardFilters,
    CardQuery,
    ConsentIn,
    CustomerIn,
    StampsAdd,
)
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import get_program
from gateway.loyalty.vouchers.issuing import Granted
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import VoucherStatus
from gateway.pagination import Page, PageQuery, fetch_page
from gateway.tenancy.service import get_merchant
from webhooks.models import Event
from webhooks.outbox import record_event


@dataclass(frozen=True)
class StampResult:
    """The card after stamps were added, and what they gave."""

    card: Card
    granted: list[Granted]
    repeated: bool = False  # a repeated scan: nothing was added


# Stamps from scanning a card (no tap): a repeat of the same card within a window is ignored.
SCAN_CHANNELS = ("autopilot", "kiosk")


def pos_ids_of(session: Session, card: Card) -> dict[str, str]:
    """The card's POS customer ids by POS name."""
    rows = session.scalars(select(CardPosId).where(CardPosId.card_id == card.id))
    return {row.pos: row.pos_customer_id for row in rows}


def _holder(session: Session, program_id: str, customer: CustomerIn) -> Card | None:
    conditions = []
    if customer.phone:
        conditions.append(Card.phone == customer.phone)
    if customer.email:
        conditions.append(Card.email == customer.email)
    if customer.pos:
        owners = select(CardPosId.card_id).where(
            CardPosId.program_id == program_id,
            or_(
                *(
                    (CardPosId.pos == pos) & (CardPosId.pos_customer_id == pos_id)
                    for pos, pos_id in customer.pos.items()
                )
            ),
        )
        conditions.append(Card.id.in_(owners))
    if not conditions:
        return None
    return session.scalars(
        select(Card).where(Card.program_id == program_id, or_(*conditions))
    ).first()


def _card_exists(card: Card) -> DomainError:
    return DomainError(
        "card_exists",
        "This customer already has a card in this program.",
        card_number=card.number,
    )


def create_card(
    session: Session,
    program: Program,
    customer: CustomerIn,
    enrolled_by: str = "api",
) -> Card:
    """Add a new card with the customer's identifiers and announce it (the caller commits)."""
    birthday = None if customer.birthday is None else Birthday.of(customer.birthday)
    card = Card(
        id=new_id("crd"),
        customer_token=new_customer_token(),
        merchant_id=program.merchant_id,
        program_id=program.id,
        number=new_card_number(),
        phone=customer.phone,
        email=customer.email,
        birthday_md=birthday.month_day if birthday else None,
        birthday_year=birthday.year if birthday else None,
        stamps=0,
        cycle=1,
    )
    record_consent(card, customer.consent, utcnow())
    session.add(card)
    session.add_all(
        CardPosId(card_id=card.id, program_id=program.id, pos=pos, pos_customer_id=pos_id)
        for pos, pos_id in customer.pos.items()
    )
    data = {
        "card_number": card.number,
        "program_id": program.id,
        "enrolled_by": enrolled_by,
        "customer_url": card_url(session, card.customer_token),
    }
    record_event(session, program.merchant_id, "card.created", data, card_id=card.id)
    return card


def enrol_card(session: Session, merchant_id: str, body: CardCreate) -> Card:
    """Create a card; one card per customer per program (``card_exists`` otherwise)."""

    def enrol() -> Card:
        program = get_program(session, merchant_id, body.program_id)
        existing = _holder(session, program.id, body.customer)
        if existing is not None:
            raise _card_exists(existing)
        return create_card(session, program, body.customer)

    # A lost race (the same customer enrolled concurrently, or a number drawn twice) reruns.
    return commit_unit_of_work(session, enrol)


def get_card(session: Session, merchant_id: str, number: str, *, lock: bool = False) -> Card:
    """A card of the merchant by its number; ``invalid_card_number`` when it cannot be one."""
    digits = normalize_card_number(number)
    problem = card_number_problem(digits)
    if problem is not None:
        raise DomainError("invalid_card_number", f"The card number {problem}.")
    statement = select(Card).where(Card.merchant_id == merchant_id, Card.number == digits)
    card = session.scalars(statement.with_for_update() if lock else statement).first()
    if card is None:
        raise not_found("card")
    return card


def redeemable_now() -> tuple[ColumnElement[bool], ...]:
    """Conditions of a voucher that a card holds and can redeem now (active, still valid)."""
    return (
        Voucher.status == VoucherStatus.ACTIVE,
        or_(Voucher.valid_until.is_(None), Voucher.valid_until > utcnow()),
    )


def select_cards(merchant_id: str, query: CardFilters) -> Select[tuple[Card]]:
    """The merchant's cards that match every filter of the query but the page and the
    creation range (which the page and the export apply)."""
    statement: Select[tuple[Card]] = select(Card).where(Card.merchant_id == merchant_id)
    if query.program_id:
        statement = statement.where(Card.program_id == query.program_id)
    if query.phone:
        statement = statement.where(Card.phone == query.phone)
    if query.email:
        statement = statement.where(Card.email == query.email)
    if query.pos:
        pos, _, pos_id = query.pos.partition(":")
        owners = select(CardPosId.card_id).where(
            CardPosId.pos == pos, CardPosId.pos_customer_id == pos_id
        )
        statement = statement.where(Card.id.in_(owners))
    if query.last_visit_after is not None:
        statement = statement.where(Card.last_visit_at > query.last_visit_after)
    if query.last_visit_before is not None:
        statement = statement.where(Card.last_visit_at < query.last_visit_before)
    if query.has_active_voucher is not None:
        held = exists().where(Voucher.card_id == Card.id, *redeemable_now())
        statement = statement.where(held if query.has_active_voucher else ~held)
    return statement


def find_cards(session: Session, merchant_id: str, query: CardQuery) -> Page[Card]:
    """The merchant's cards, newest first, narrowed by the query's filters."""
    return fetch_page(session, select_cards(merchant_id, query), Card.id, Card.created_at, query)


def stamp_card(session: Session, merchant_id: str, number: str, body: StampsAdd) -> StampResult:
    """Add manual stamps (staff, kiosk, autopilot, api) to a card, in one transaction."""

    def stamp() -> StampResult:
        card = get_card(session, merchant_id, number, lock=True)
        return _add_by_hand(session, merchant_id, card, body)

    return commit_unit_of_work(session, stamp)


def stamp_scanned_card(
    session: Session, merchant_id: str, number: str, body: StampsAdd, window: timedelta
) -> StampResult:
    """Stamps for a scanned card, unless a scan stamped it within ``window`` (``repeated``).

    Decided under the card's lock in the unit of work, so two tabs or a double Enter stamp once.
    """

    def stamp() -> StampResult:
        card = get_card(session, merchant_id, number, lock=True)
        recent = session.scalar(
            select(StampEntry.id)
            .where(
                StampEntry.card_id == card.id,
                StampEntry.channel.in_(SCAN_CHANNELS),
                StampEntry.created_at > utcnow() - window,
            )
            .limit(1)
        )
        if recent is not None:
            return StampResult(card=card, granted=[], repeated=True)
        return _add_by_hand(session, merchant_id, card, body)

    return commit_unit_of_work(session, stamp)


def _add_by_hand(session: Session, merchant_id: str, card: Card, body: StampsAdd) -> StampResult:
    origin = Stamping(kind="manual", channel=body.channel, location=body.location, staff=body.staff)
    program = get_program(session, merchant_id, card.program_id)
    timezone = get_merchant(session, merchant_id).timezone
    record_visit(card, utcnow())
    granted = add_stamps(session, card, program, body.count, origin, timezone)
    if body.reason:
        note(
            session,
            merchant_id=merchant_id,
            object_type="card",
            object_id=card.id,
            action="card.stamped_by_hand",
            details={"count": body.count, "reason": body.reason},
        )
    return StampResult(card=card, granted=granted)


def record_card_consent(session: Session, merchant_id: str, number: str, body: ConsentIn) -> Card:
    """Record the customer's consent answers on their card, timed now."""

    def record() -> Card:
        card = get_card(session, merchant_id, number, lock=True)
        record_consent(card, body, utcnow())
        return card

    return commit_unit_of_work(session, record)


def card_journal(session: Session, merchant_id: str, number: str, query: PageQuery) -> Page[Event]:
    """The card's events, newest first."""
    card = get_card(session, merchant_id, number)
    statement = select(Event).where(Event.merchant_id == merchant_id, Event.card_id == card.id)
    return fetch_page(session, statement, Event.id, Event.created_at, query)
