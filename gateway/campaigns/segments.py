"""Which cards of a program a segment holds, as one query over the cards, sales, stamps and
vouchers tables (read only: campaigns use the loyalty features, none of them uses campaigns)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, true

from gateway.campaigns.schemas import (
    AllCards,
    BirthdayWeek,
    Inactive,
    NearGoal,
    NeverRedeemed,
    Segment,
    VisitedLocation,
    VoucherExpiring,
)
from gateway.loyalty.cards.birthdays import month_days_on, week_of
from gateway.loyalty.cards.consent import mailable
from gateway.loyalty.cards.models import Card, StampEntry
from gateway.loyalty.programs.models import Program
from gateway.loyalty.sales.models import Sale
from gateway.loyalty.vouchers.models import Voucher, VoucherRedemption


def _inactive(days: int, now: datetime) -> ColumnElement[bool]:
    # A card never visited counts from its enrolment: it was never seen either.
    return func.coalesce(Card.last_visit_at, Card.created_at) <= now - timedelta(days=days)


def expiring_within(days: int, now: datetime) -> ColumnElement[bool]:
    """Active vouchers whose validity ends within ``days`` days of ``now``."""
    return and_(
        Voucher.status == "active",
        Voucher.valid_until.is_not(None),
        Voucher.valid_until > now,
        Voucher.valid_until <= now + timedelta(days=days),
    )


def _voucher_expiring(days: int, now: datetime) -> ColumnElement[bool]:
    return exists().where(Voucher.card_id == Card.id, expiring_within(days, now))


def _never_redeemed() -> ColumnElement[bool]:
    return ~exists().where(
        VoucherRedemption.card_id == Card.id, VoucherRedemption.rolled_back_at.is_(None)
    )


def _visited(location: str) -> ColumnElement[bool]:
    sold_there = exists().where(Sale.card_id == Card.id, Sale.location == location)
    stamped_there = exists().where(StampEntry.card_id == Card.id, StampEntry.location == location)
    return or_(sold_there, stamped_there)


def local_time(at: datetime, timezone: str) -> datetime:
    """``at`` in the time zone."""
    try:
        return at.astimezone(ZoneInfo(timezone))
    except OverflowError:  # the last hours of year 9999 have no local time past UTC
        return at


def local_date(now: datetime, timezone: str) -> date:
    """The calendar date at ``now`` in the time zone."""
    return local_time(now, timezone).date()


def birthday_on(days: Iterable[date]) -> ColumnElement[bool]:
    """Cards whose customer's birthday falls on one of ``days``."""
    return Card.birthday_md.in_(sorted(month_days_on(days)))


def condition(
    program: Program, segment: Segment, now: datetime, timezone: str = "UTC"
) -> ColumnElement[bool]:
    """The condition a card of ``program`` meets to be in ``segment`` at ``now`` (dates are
    those of the merchant's ``timezone``)."""
    match segment:
        case AllCards():
            return true()
        case Inactive(days=days):
            return _inactive(days, now)
        case NearGoal(stamps_left=left):
            return Card.stamps >= program.stamps_goal - left
        case VoucherExpiring(days=days):
            return _voucher_expiring(days, now)
        case NeverRedeemed():
            return _never_redeemed()
        case VisitedLocation(location=location):
            return _visited(location)
        case BirthdayWeek():
            return birthday_on(week_of(local_date(now, timezone)))
    raise AssertionError(f"unknown segment {segment!r}")  # pragma: no cover - a closed union


def segment_cards(
    program: Program, segment: Segment, now: datetime, timezone: str = "UTC"
) -> Select[tuple[Card]]:
    """The program's cards in the segment, oldest first (the order messages are written in)."""
    where = and_(
        Card.merchant_id == program.merchant_id,
        Card.program_id == program.id,
        condition(program, segment, now, timezone),
    )
    return select(Card).where(where).order_by(Card.id)


def count_statement(
    program: Program, segment: Segment, now: datetime, timezone: str = "UTC"
) -> Select[Any]:
    """Cards in the segment, and how many of them campaign e-mail may go to (consent given)."""
    mailed = func.count(case((mailable(), Card.id)))
    return (
        segment_cards(program, segment, now, timezone)
        .with_only_columns(func.count(), mailed, maintain_column_froms=True)
        .order_by(None)
    )
