"""Sales: a closed sale becomes stamps, rewards and redemptions, exactly once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.loyalty.cards.ledger import Stamping, add_stamps, record_visit
from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.progress import MAX_REWARDS_PER_SALE, stamps_within_rewards
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.claims.issuing import issue_claim
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import default_program, get_program, mechanics_of
from gateway.loyalty.sales.canonical import PosSale
from gateway.loyalty.sales.customers import resolve_card
from gateway.loyalty.sales.models import Sale
from gateway.loyalty.sales.promo_codes import Till, redeem_codes
from gateway.loyalty.sales.schemas import SaleFilters, SaleQuery
from gateway.loyalty.vouchers.issuing import Granted
from gateway.loyalty.vouchers.presenters import granted_out
from gateway.ownership import owned_by
from gateway.pagination import Page, fetch_page
from gateway.tenancy.models import Merchant
from gateway.tenancy.service import get_merchant
from mappings.rules import SaleLine, stamps_for_sale
from webhooks.outbox import record_event

DEFAULT_CLAIM_VALIDITY = timedelta(days=7)
# Built once: building the statement and its cache key anew cost about 0.1 ms a sale.
_SALE_BY_NATURAL_KEY = select(Sale).where(
    Sale.merchant_id == bindparam("merchant_id"),
    Sale.source == bindparam("source"),
    Sale.transaction_id == bindparam("transaction_id"),
)


@dataclass(frozen=True)
class SaleOutcome:
    """The answer to a sale: 201 the first time, 200 when the same sale comes again."""

    body: dict[str, Any]
    created: bool


def fingerprint(value: dict[str, Any]) -> str:
    """A stable hash of a validated body (key order and whitespace do not matter)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def record_sale(
    session: Session,
    merchant_id: str,
    sale: PosSale,
    claim_valid_for: timedelta = DEFAULT_CLAIM_VALIDITY,
    connection_id: str | None = None,
) -> SaleOutcome:
    """Apply a sale once; a replay answers the first result, another body ``sale_conflict``.

    A sale that names no known customer but earns stamps gets a claim link valid for
    ``claim_valid_for``; ``connection_id`` names the POS connection it came from, kept on its
    redemptions."""
    body = sale.model_dump(mode="json")
    digest = fingerprint(body)

    def apply() -> SaleOutcome:
        natural_key = {
            "merchant_id": merchant_id,
            "source": sale.source,
            "transaction_id": sale.transaction_id,
        }
        existing = session.scalars(_SALE_BY_NATURAL_KEY, natural_key).first()
        if existing is not None:
            if existing.fingerprint != digest:
                raise DomainError(
                    "sale_conflict", "This transaction_id was sent with another body."
                )
            return SaleOutcome(body=existing.result, created=False)
        return SaleOutcome(
            body=_apply_new_sale(
                session, merchant_id, sale, (body, digest), claim_valid_for, connection_id
            ),
            created=True,
        )

    # Two concurrent deliveries of one sale: the unique key lets one in; the other reruns
    # and answers the winner's result.
    return commit_unit_of_work(session, apply)


def _program_for(session: Session, merchant: Merchant, sale: PosSale) -> Program:
    if sale.program_id:
        return get_program(session, merchant.id, sale.program_id)
    if sale.customer.card_number:
        card = session.scalars(
            select(Card).where(
                Card.merchant_id == merchant.id, Card.number == sale.customer.card_number
            )
        ).first()
        if card is not None:
            return get_program(session, merchant.id, card.program_id)
    default = default_program(session, merchant.id)
    if default is not None:
        return default
    programs = session.scalars(
        select(Program).where(Program.merchant_id == merchant.id).limit(2)
    ).all()
    if not programs:
        raise DomainError("program_required", "The merchant has no program yet: create one.")
    if len(programs) > 1:
        raise DomainError(
            "program_required",
            "Give program_id: the merchant has several programs and none is the default "
            '(PATCH /v1/programs/{id} with {"is_default": true} sets one).',
        )
    return programs[0]


def _apply_new_sale(
    session: Session,
    merchant_id: str,
    sale: PosSale,
    received: tuple[dict[str, Any], str],
    claim_valid_for: timedelta,
    connection_id: str | None,
) -> dict[str, Any]:
    body, digest = received
    merchant = get_merchant(session, merchant_id)
    if sale.currency != merchant.currency:
        raise DomainError(
            "currency_mismatch",
            f"The merchant's currency is {merchant.currency}, not {sale.currency}.",
        )
    program = _program_for(session, merchant, sale)
    sale_id = new_id("sale")
    card = resolve_card(session, program, sale.source, sale.customer)
    till = Till(sale.transaction_id, sale.location, connection_id)
    redemptions = redeem_codes(session, merchant_id, list(sale.promo_codes), card, sale_id, till)
    earned = _stamps_earned(program, sale, any(r.status == "redeemed" for r in redemptions))
    stamps, rewards = 0, []
    if card is not None:
        origin = Stamping(kind="sale", sale_id=sale_id, location=sale.location)
        stamped = stamp_for_sale(session, card, program, earned, origin, sale.closed_at)
        stamps, rewards = stamped.stamps, stamped.rewards
    status = "processed" if card is not None else "unattributed"
    result = {
        "id": sale_id,
        "transaction_id": sale.transaction_id,
        "status": status,
        "program_id": program.id,
        "card_number": card.number if card else None,
        "stamps_added": stamps,
        "rewards": rewards,
        "redemptions": [redemption.as_json() for redemption in redemptions],
    }
    session.add(
        Sale(
            id=sale_id,
            merchant_id=merchant_id,
            source=sale.source,
            transaction_id=sale.transaction_id,
            fingerprint=digest,
            program_id=program.id,
            card_id=card.id if card else None,
            status=status,
            total=sale.total,
            currency=sale.currency,
            closed_at=sale.closed_at,
            location=sale.location,
            body=body,
            stamps_added=stamps,
            result=result,
        )
    )
    if card is None and earned:
        # The receipt keeps what the sale earned under the rules of its day for its claim link.
        session.flush()  # the sale row first: the claim refers to it
        expires_at = utcnow() + claim_valid_for
        issue_claim(
            session,
            merchant_id=merchant_id,
            program_id=program.id,
            stamps=earned,
            expires_at=expires_at,
            sale_id=sale_id,
        )
    event_data = {
        key: result[key]
        for key in ("id", "transaction_id", "program_id", "card_number", "stamps_added")
    }
    event_data["source"] = sale.source
    record_event(
        session, merchant_id, f"sale.{status}", event_data, card_id=card.id if card else None
    )
    return result


@dataclass(frozen=True)
class SaleStamps:
    """What a sale's stamps did to its card: how many were added, and the rewards they gave."""

    stamps: int
    rewards: list[dict[str, Any]]
    granted: list[Granted]


def stamp_for_sale(
    session: Session,
    card: Card,
    program: Program,
    earned: int,
    origin: Stamping,
    closed_at: datetime,
) -> SaleStamps:
    """Add a sale's ``earned`` stamps to its (locked) card, as many as one sale may reward."""
    record_visit(card, closed_at)
    stamps = _within_reward_cap(program, card, earned)
    if not stamps:
        return SaleStamps(0, [], [])
    timezone = get_merchant(session, card.merchant_id).timezone
    granted = add_stamps(session, card, program, stamps, origin, timezone)
    return SaleStamps(
        stamps, [granted_out(session, item, card.number) for item in granted], granted
    )


def _stamps_earned(program: Program, sale: PosSale, redeemed_something: bool) -> int:
    mechanics = mechanics_of(program)
    if redeemed_something and mechanics.stampless_when_redeeming:
        return 0
    lines = [
        SaleLine(
            product=line.product, category=line.category, quantity=line.quantity, amount=line.amount
        )
        for line in sale.lines
    ]
    return stamps_for_sale(lines, sale.total, mechanics.rules, mechanics.max_stamps_per_sale)


def _within_reward_cap(program: Program, card: Card, stamps: int) -> int:
    # Every reward is rows and events written in this transaction: one sale gets a bounded few.
    mechanics = mechanics_of(program)
    marks = [milestone.stamps for milestone in mechanics.milestones]
    return stamps_within_rewards(
        card.stamps, stamps, mechanics.stamps_goal, marks, MAX_REWARDS_PER_SALE
    )


def get_sale(session: Session, merchant_id: str, sale_id: str) -> Sale:
    """One of the merchant's sales, or 404."""
    return owned_by(session, Sale, sale_id, merchant_id, "sale")


def select_sales(session: Session, merchant_id: str, query: SaleFilters) -> Select[tuple[Sale]]:
    """The merchant's sales that match the query's filters but the page and the creation range
    (which the page and the export apply); an unknown ``card`` answers 404, as for vouchers."""
    statement = select(Sale).where(Sale.merchant_id == merchant_id)
    if query.closed_after is not None:
        statement = statement.where(Sale.closed_at > query.closed_after)
    if query.closed_before is not None:
        statement = statement.where(Sale.closed_at < query.closed_before)
    if query.location is not None:
        statement = statement.where(Sale.location == query.location)
    if query.status is not None:
        statement = statement.where(Sale.status == query.status)
    if query.card is not None:
        statement = statement.where(Sale.card_id == get_card(session, merchant_id, query.card).id)
    return statement


def list_sales(session: Session, merchant_id: str, query: SaleQuery) -> Page[Sale]:
    """The merchant's sales, newest first, narrowed by the query's filters."""
    statement = select_sales(session, merchant_id, query)
    return fetch_page(session, statement, Sale.id, Sale.created_at, query)
