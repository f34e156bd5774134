"""Vouchers: read (expiring lazily), list, one-time issue, assign, redeem, void, expiry sweep."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import commit_unit, commit_unit_of_work, utcnow
from gateway.errors import DomainError
from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.codes.pools import require_own_pools
from gateway.loyalty.programs.rewards import VoucherReward
from gateway.loyalty.vouchers.issuing import Source, issue_voucher
from gateway.loyalty.vouchers.lifecycle import expire_if_due, move
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.redeeming import RedeemRequest, redeem
from gateway.loyalty.vouchers.schemas import (
    AssignVoucher,
    GoodwillVoucher,
    RedeemVoucher,
    VoucherQuery,
)
from gateway.loyalty.vouchers.states import VoucherAction, check_channel
from gateway.ownership import owned_by
from gateway.pagination import Page, fetch_page
from gateway.tenancy.service import get_merchant

SWEEP_BATCH = 500


def _find(session: Session, merchant_id: str, voucher_id: str) -> Voucher:
    return owned_by(session, Voucher, voucher_id, merchant_id, "voucher")


def get_voucher(session: Session, merchant_id: str, voucher_id: str) -> Voucher:
    """A voucher of the merchant; one whose validity ended is expired on the way."""
    voucher = _find(session, merchant_id, voucher_id)
    if expire_if_due(session, voucher):
        commit_unit(session)
    return voucher


def scan_text(session: Session, merchant_id: str, voucher_id: str) -> str:
    """What a till scans for the voucher: its code, or its id while it has none."""
    voucher = _find(session, merchant_id, voucher_id)
    return voucher.code or voucher.id


def list_vouchers(session: Session, merchant_id: str, query: VoucherQuery) -> Page[Voucher]:
    """The merchant's vouchers, newest first, by card and status; expiry applied first."""
    statement = select(Voucher).where(Voucher.merchant_id == merchant_id)
    if query.card:
        statement = statement.where(
            Voucher.card_id == get_card(session, merchant_id, query.card).id
        )
    expire_due(session, merchant_id=merchant_id)
    if query.status:
        statement = statement.where(Voucher.status == query.status)
    return fetch_page(session, statement, Voucher.id, Voucher.issued_at, query)


def issue_goodwill(session: Session, merchant_id: str, body: GoodwillVoucher) -> Voucher:
    """A one-time voucher: ``active`` for the given card, else ``issued`` until assigned."""

    def issue() -> Voucher:
        require_own_pools(session, merchant_id, [body.reward])
        card = get_card(session, merchant_id, body.card_number) if body.card_number else None
        timezone = get_merchant(session, merchant_id).timezone
        source = Source(kind="manual")
        return issue_voucher(session, merchant_id, body.reward, card, source, timezone, body.reason)

    return commit_unit_of_work(session, issue)


def issue_for_campaign(
    session: Session, card: Card, reward: VoucherReward, campaign_id: str, timezone: str
) -> Voucher:
    """A goodwill voucher a campaign gives a recipient (``source.kind = "campaign"``); the
    caller commits it with the campaign's message rows."""
    source = Source(kind="campaign")
    reason = f"campaign {campaign_id}"
    return issue_voucher(session, card.merchant_id, reward, card, source, timezone, reason)


def assign_voucher(
    session: Session, merchant_id: str, voucher_id: str, body: AssignVoucher
) -> Voucher:
    """Give an unassigned voucher to a card, which makes it redeemable."""

    def assign() -> Voucher:
        voucher = _find(session, merchant_id, voucher_id)
        card = get_card(session, merchant_id, body.card_number)
        values = {"card_id": card.id, "program_id": card.program_id, "activated_at": utcnow()}
        move(session, voucher, VoucherAction.ACTIVATE, values)
        return voucher

    return commit_unit_of_work(session, assign)


def redeem_voucher(
    session: Session, merchant_id: str, voucher_id: str, body: RedeemVoucher
) -> Voucher:
    """Redeem once: of concurrent redemptions exactly one wins, the others are refused."""
    voucher = get_voucher(session, merchant_id, voucher_id)
    refusal = check_channel(voucher.redemption, body.channel)  # type: ignore[arg-type]
    if refusal is not None:
        raise DomainError(
            refusal, f"A {voucher.redemption} voucher cannot be redeemed by {body.channel}."
        )
    request = RedeemRequest(channel=body.channel, location=body.location, staff=body.staff)
    redeem(session, voucher, request)
    commit_unit(session)
    return voucher


def void_voucher(session: Session, merchant_id: str, voucher_id: str) -> Voucher:
    """Cancel a voucher that has not been redeemed or expired."""
    voucher = get_voucher(session, merchant_id, voucher_id)
    move(session, voucher, VoucherAction.VOID, {"voided_at": utcnow()}, {"reason": "merchant"})
    commit_unit(session)
    return voucher


def expire_due(session: Session, merchant_id: str | None = None) -> int:
    """Expire every active voucher whose validity has ended (emits ``voucher.expired``)."""
    expired = 0
    while True:
        statement = select(Voucher).where(
            Voucher.status == "active",
            Voucher.valid_until.is_not(None),
            Voucher.valid_until <= utcnow(),
        )
        if merchant_id is not None:
            statement = statement.where(Voucher.merchant_id == merchant_id)
        due = session.scalars(statement.limit(SWEEP_BATCH)).all()
        expired += sum(expire_if_due(session, voucher) for voucher in due)
        commit_unit(session)
        if len(due) < SWEEP_BATCH:
            return expired
