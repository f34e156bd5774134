"""A customer's links: their card, a voucher or a spin found by the link's token, and what the
customer can do there (use a self-redeem voucher, play a spin) through the same services as the
API. Any token that is not one, or a spin of another card, is ``not_found``: nothing tells an
unknown link from a foreign one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.customer_links import looks_like_token
from gateway.db import commit_unit
from gateway.errors import DomainError, not_found
from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.service import redeemable_now
from gateway.loyalty.customer_view.history import HistoryItem, recent_history
from gateway.loyalty.customer_view.progress import NextReward, next_reward
from gateway.loyalty.lottery.models import Spin
from gateway.loyalty.lottery.service import PENDING, PlayResult, play_spin
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.rejections import Rejection, record_rejection
from gateway.loyalty.vouchers.schemas import RedeemVoucher
from gateway.loyalty.vouchers.service import get_voucher, redeem_voucher
from gateway.tenancy.models import Merchant
from gateway.tenancy.service import get_merchant
from webhooks.models import Event

SELF = "self"
Linked = TypeVar("Linked", Card, Voucher)
SHOWN_VOUCHERS = 20
SHOWN_SPINS = 20


@dataclass(frozen=True)
class CardOverview:
    """Everything the card page shows."""

    card: Card
    program: Program
    merchant: Merchant
    next_reward: NextReward
    vouchers: list[Voucher]
    spins: list[Spin]
    history: list[HistoryItem]


@dataclass(frozen=True)
class VoucherView:
    """A voucher, its merchant (name, time zone) and the card it is on."""

    voucher: Voucher
    merchant: Merchant
    card: Card | None


def _by_token(session: Session, model: type[Linked], token: str) -> Linked:
    found = None
    if looks_like_token(token):
        found = session.scalars(select(model).where(model.customer_token == token)).first()
    if found is None:
        raise not_found(model.__tablename__.rstrip("s"))
    return found


def card_by_token(session: Session, token: str) -> Card:
    """The card a card link opens."""
    return _by_token(session, Card, token)


def card_overview(session: Session, token: str) -> CardOverview:
    """The card page: progress, the next reward, active vouchers, pending spins, history."""
    card = card_by_token(session, token)
    program = session.get_one(Program, card.program_id)
    vouchers = session.scalars(
        select(Voucher)
        .where(Voucher.card_id == card.id, *redeemable_now())
        .order_by(Voucher.id.desc())
        .limit(SHOWN_VOUCHERS)
    ).all()
    spins = session.scalars(
        select(Spin)
        .where(Spin.card_id == card.id, Spin.status == PENDING)
        .order_by(Spin.id)
        .limit(SHOWN_SPINS)
    ).all()
    return CardOverview(
        card=card,
        program=program,
        merchant=get_merchant(session, card.merchant_id),
        next_reward=next_reward(card.stamps, mechanics_of(program)),
        vouchers=list(vouchers),
        spins=list(spins),
        history=recent_history(session, card),
    )


def voucher_view(session: Session, token: str) -> VoucherView:
    """The voucher page (a voucher whose validity ended reads as expired)."""
    found = _by_token(session, Voucher, token)
    voucher = get_voucher(session, found.merchant_id, found.id)
    card = session.get(Card, voucher.card_id) if voucher.card_id else None
    return VoucherView(
        voucher=voucher, merchant=get_merchant(session, voucher.merchant_id), card=card
    )


def use_voucher(session: Session, token: str) -> VoucherView:
    """Redeem the voucher from its page (channel ``self``); a refusal is announced as
    ``voucher.redemption_rejected`` and raised."""
    view = voucher_view(session, token)
    voucher = view.voucher
    try:
        redeem_voucher(session, voucher.merchant_id, voucher.id, RedeemVoucher(channel=SELF))
    except DomainError as refused:
        session.rollback()
        rejection = Rejection(
            reason=refused.code, code=voucher.code, card=view.card, voucher=voucher, channel=SELF
        )
        record_rejection(session, voucher.merchant_id, rejection)
        commit_unit(session)
        raise
    return view


def spin_of_card(session: Session, token: str, spin_id: str) -> tuple[Card, Spin]:
    """A spin of the card the link opens (a spin of any other card is ``not_found``)."""
    card = card_by_token(session, token)
    spin = session.get(Spin, spin_id)
    if spin is None or spin.card_id != card.id:
        raise not_found("spin")
    return card, spin


@dataclass(frozen=True)
class SpinView:
    """A spin of the card, what a played one gave (its voucher), and the card's next spin."""

    card: Card
    spin: Spin
    merchant: Merchant
    voucher: Voucher | None
    next_spin: Spin | None


def spin_view(session: Session, token: str, spin_id: str) -> SpinView:
    """The lottery page of one of the card's spins."""
    card, spin = spin_of_card(session, token, spin_id)
    won = None
    if spin.status != PENDING:
        played = session.scalars(
            select(Event).where(
                Event.card_id == card.id,
                Event.type == "lottery.played",
                Event.data["spin_id"].as_string() == spin.id,
            )
        ).first()
        voucher_id = played.data.get("voucher_id") if played is not None else None
        won = session.get(Voucher, voucher_id) if voucher_id else None
    next_spin = session.scalars(
        select(Spin)
        .where(Spin.card_id == card.id, Spin.status == PENDING, Spin.id != spin.id)
        .order_by(Spin.id)
    ).first()
    merchant = get_merchant(session, card.merchant_id)
    return SpinView(card=card, spin=spin, merchant=merchant, voucher=won, next_spin=next_spin)


def play_card_spin(session: Session, token: str, spin_id: str) -> PlayResult:
    """Play a pending spin of the card; the outcome is drawn here, on the server."""
    card, spin = spin_of_card(session, token, spin_id)
    return play_spin(session, card.merchant_id, spin.id)
