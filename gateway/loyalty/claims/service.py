"""Claiming: a claim link's stamps go to the customer's card once, with the events a sale has.

A sale's claim re-applies the stored sale as attributed: the stamps it earned under the rules
of the day it closed (kept on the claim when the sale was recorded) go to the card through the
sale path, the sale becomes ``processed`` with that card, and ``sale.claimed`` announces it.
An insert's claim adds its stamps (``kind`` ``insert``). A used or expired link, or a refunded
sale, is refused, and each refusal is announced as ``claim.rejected``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from gateway.customer_links import looks_like_token
from gateway.db import commit_unit, commit_unit_of_work, utcnow
from gateway.errors import DomainError, not_found
from gateway.loyalty.cards.identifiers import normalize_phone
from gateway.loyalty.cards.ledger import Stamping
from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.schemas import CustomerIn
from gateway.loyalty.cards.service import create_card
from gateway.loyalty.claims.models import Claim
from gateway.loyalty.lottery.models import Spin
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import get_program
from gateway.loyalty.sales.models import Refund, Sale
from gateway.loyalty.sales.service import SaleStamps, stamp_for_sale
from gateway.tenancy.models import Merchant
from gateway.tenancy.service import get_merchant
from webhooks.outbox import record_event

# What a token can look like: anything else is answered as unknown without a query.
ALREADY_CLAIMED, EXPIRED, REFUNDED, OTHER_PROGRAM = (
    "already_claimed",
    "expired",
    "refunded",
    "other_program",
)
CardFinder = Callable[[Program], Card]


class ClaimRefusedError(Exception):
    """A claim that cannot be made; ``reason`` is the ``claim.rejected`` event's."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ClaimOffer:
    """What a claim link is worth, of which merchant and program, and whether it can be used."""

    claim: Claim
    merchant: Merchant
    program: Program
    refusal: str | None


@dataclass(frozen=True)
class ClaimOutcome:
    """A completed claim: the card, the stamps added, and a lottery spin they earned."""

    claim: Claim
    card: Card
    program: Program
    stamps_added: int
    spin: Spin | None


def find_claim(session: Session, token: str) -> Claim:
    """The claim of a token; ``not_found`` for a token that is not one (forged, mistyped)."""
    claim = None
    if looks_like_token(token):
        claim = session.scalars(select(Claim).where(Claim.token == token)).first()
    if claim is None:
        raise not_found("claim")
    return claim


def _refusal(session: Session, claim: Claim) -> str | None:
    if claim.claimed_at is not None:
        return ALREADY_CLAIMED
    if claim.sale_id is not None and session.scalar(
        select(exists().where(Refund.sale_id == claim.sale_id))
    ):
        return REFUNDED
    if claim.expires_at <= utcnow():
        return EXPIRED
    return None


def offer(session: Session, token: str) -> ClaimOffer:
    """What the link of ``token`` is worth; a refused link's refusal is recorded and committed."""
    claim = find_claim(session, token)
    refusal = _refusal(session, claim)
    if refusal is not None:
        reject(session, claim, refusal)
    merchant = get_merchant(session, claim.merchant_id)
    program = get_program(session, claim.merchant_id, claim.program_id)
    return ClaimOffer(claim=claim, merchant=merchant, program=program, refusal=refusal)


def reject(session: Session, claim: Claim, reason: str) -> None:
    """Announce a refused claim (``claim.rejected``) and commit it."""
    data = {
        "claim_id": claim.id,
        "kind": claim.kind,
        "sale_id": claim.sale_id,
        "batch_id": claim.batch_id,
        "reason": reason,
    }
    record_event(session, claim.merchant_id, "claim.rejected", data, card_id=claim.card_id)
    commit_unit(session)


def claim_with_phone(session: Session, token: str, phone: str) -> ClaimOutcome:
    """Claim for the card of this phone (read as the merchant's country's), made if need be.

    The card is enrolled whatever the program's ``auto_enroll``: the customer asked for it,
    and an answer that depended on whether the phone has a card would tell who is a customer.
    """
    claim = find_claim(session, token)
    country = get_merchant(session, claim.merchant_id).country
    try:
        normalized = normalize_phone(phone, country)
    except ValueError as exc:
        raise DomainError("validation_error", f"phone: {exc}") from exc
    return _claim(session, token, lambda program: _card_of_phone(session, program, normalized))


def claim_to_card(session: Session, token: str, card_id: str) -> ClaimOutcome:
    """Claim for a card the customer holds (their card page's session)."""

    def held(program: Program) -> Card:
        card = session.scalars(select(Card).where(Card.id == card_id).with_for_update()).first()
        if card is None or card.program_id != program.id:
            raise ClaimRefusedError(OTHER_PROGRAM)
        return card

    return _claim(session, token, held)


def _card_of_phone(session: Session, program: Program, phone: str) -> Card:
    statement = select(Card).where(Card.program_id == program.id, Card.phone == phone)
    card = session.scalars(statement.with_for_update()).first()
    if card is not None:
        return card
    customer = CustomerIn.model_construct(phone=phone, email=None, pos={})
    return create_card(session, program, customer, enrolled_by="claim")


def _claim(session: Session, token: str, card_for: CardFinder) -> ClaimOutcome:
    def apply() -> ClaimOutcome:
        claim = find_claim(session, token)
        refusal = _refusal(session, claim)
        if refusal is not None:
            raise ClaimRefusedError(refusal)
        program = get_program(session, claim.merchant_id, claim.program_id)
        card = card_for(program)
        _mark_claimed(session, claim, card)
        if claim.sale_id is not None:
            stamped = _attribute_sale(session, claim, card, program)
        else:
            origin = Stamping(kind="insert", location=None)
            stamped = stamp_for_sale(session, card, program, claim.stamps, origin, utcnow())
        spins = [granted.spin for granted in stamped.granted if granted.spin is not None]
        return ClaimOutcome(claim, card, program, stamped.stamps, spins[0] if spins else None)

    try:
        return commit_unit_of_work(session, apply)
    except ClaimRefusedError as refused:
        session.rollback()
        reject(session, find_claim(session, token), refused.reason)
        raise


def _mark_claimed(session: Session, claim: Claim, card: Card) -> None:
    # Of concurrent claims of one link only one matches the row; the others are refused.
    now: datetime = utcnow()
    marked = session.execute(
        update(Claim)
        .where(Claim.id == claim.id, Claim.claimed_at.is_(None))
        .values(claimed_at=now, card_id=card.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(marked, "rowcount", 0) != 1:
        raise ClaimRefusedError(ALREADY_CLAIMED)
    session.refresh(claim)


def _attribute_sale(session: Session, claim: Claim, card: Card, program: Program) -> SaleStamps:
    sale = session.get_one(Sale, claim.sale_id)
    origin = Stamping(kind="sale", sale_id=sale.id, location=sale.location)
    stamped = stamp_for_sale(session, card, program, claim.stamps, origin, sale.closed_at)
    sale.card_id, sale.status, sale.stamps_added = card.id, "processed", stamped.stamps
    sale.result = {
        **sale.result,
        "status": "processed",
        "card_number": card.number,
        "stamps_added": stamped.stamps,
        "rewards": stamped.rewards,
    }
    data = {
        "id": sale.id,
        "transaction_id": sale.transaction_id,
        "program_id": program.id,
        "card_number": card.number,
        "stamps_added": stamped.stamps,
        "source": sale.source,
        "claim_id": claim.id,
    }
    record_event(session, sale.merchant_id, "sale.claimed", data, card_id=card.id)
    return stamped


def card_of_customer_token(session: Session, merchant_id: str, token: str) -> Card | None:
    """The merchant's card whose card page (``/c/<token>``) the browser opened last, if any."""
    if not looks_like_token(token):
        return None
    statement = select(Card).where(Card.merchant_id == merchant_id, Card.customer_token == token)
    return session.scalars(statement).first()


def merchant_of(session: Session, merchant_id: str) -> Merchant:
    """The merchant of a claim (its name heads the claim page)."""
    return get_merchant(session, merchant_id)
