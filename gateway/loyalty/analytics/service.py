"""The merchant's figures for a period: every count is one GROUP BY in the database.

The period is whole calendar days in the merchant's time zone; each figure counts what happened
inside it (a stamp when it was added, a voucher when issued, redeemed or expired). A figure's
location is where it happened, else the location of the sale behind it (refunds, promo codes,
vouchers a sale earned). Days are bucketed in SQL by comparing with the days' UTC bounds, so
SQLite and PostgreSQL agree without time zone functions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    SQLColumnExpression,
    case,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.loyalty.analytics.schemas import (
    DEFAULT_DAYS,
    MAX_DAYS,
    AnalyticsOut,
    AnalyticsQuery,
    DayRow,
    LocationRow,
    RejectedCodes,
    RewardFigures,
    StaffRow,
    StampFigures,
    VoucherFigures,
)
from gateway.loyalty.cards.models import StampEntry
from gateway.loyalty.codes.models import RejectedCodeAttempt
from gateway.loyalty.sales.models import Sale
from gateway.loyalty.vouchers.models import Voucher, VoucherRedemption
from gateway.tenancy.models import Merchant, StaffSeat
from gateway.timestamps import iso_utc
from webhooks.models import Event

REJECTED = "voucher.redemption_rejected"
REACHED = {"card.goal_reached": "goals", "card.milestone_reached": "milestones"}


@dataclass(frozen=True)
class Period:
    """Calendar days ``first``..``last`` in ``timezone``, and the UTC instant each day starts."""

    first: dt.date
    last: dt.date
    timezone: str
    day_starts: list[dt.datetime]  # one per day, and the end of the last one

    @property
    def starts_at(self) -> dt.datetime:
        """The first instant of the period."""
        return self.day_starts[0]

    @property
    def ends_at(self) -> dt.datetime:
        """The instant after the period."""
        return self.day_starts[-1]

    def days(self) -> list[dt.date]:
        """Every day of the period, in order."""
        return [self.first + dt.timedelta(days=n) for n in range(len(self.day_starts) - 1)]


def period_of(query: AnalyticsQuery, timezone: str, today: dt.date | None = None) -> Period:
    """The query's days (default: the last 30 days up to today, in the merchant's zone)."""
    zone = ZoneInfo(timezone)
    last = query.to or today or utcnow().astimezone(zone).date()
    first = query.from_ or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    count = (last - first).days + 1
    if not 1 <= count <= MAX_DAYS:  # only `from` was given: `to` is today
        message = f"must be at most {MAX_DAYS} days before `to` and not after it (today: {last})"
        raise DomainError(
            "validation_error",
            "1 field failed validation",
            errors=[{"loc": ["from"], "msg": message, "type": "value_error"}],
        )
    starts = [
        dt.datetime.combine(first + dt.timedelta(days=n), dt.time(), zone).astimezone(dt.UTC)
        for n in range(count + 1)
    ]
    return Period(first, last, timezone, starts)


def merchant_analytics(
    session: Session, merchant_id: str, query: AnalyticsQuery, today: dt.date | None = None
) -> AnalyticsOut:
    """The figures of ``GET /v1/analytics`` for one merchant."""
    merchant = session.get(Merchant, merchant_id)
    assert merchant is not None  # the authenticated merchant
    period = period_of(query, merchant.timezone, today)
    places: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    people: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    scope = _Scope(merchant_id, period, query.location)

    given = reversed_ = 0
    for place, staff, day, plus, minus in session.execute(scope.stamps()):
        given, reversed_ = given + plus, reversed_ + minus
        places[place]["stamps_given"] += plus
        places[place]["stamps_reversed"] += minus
        days[day]["stamps"] += plus
        if plus:
            people[staff]["stamps_given"] += plus
    redeemed = 0
    for place, staff, day, count in session.execute(scope.redemptions()):
        redeemed += count
        places[place]["vouchers_redeemed"] += count
        people[staff]["vouchers_redeemed"] += count
        days[day]["redemptions"] += count
    reached = {"goals": 0, "milestones": 0}
    for place, kind, count in session.execute(scope.events(list(REACHED))):
        reached[REACHED[kind]] += count
        places[place]["rewards"] += count
    rejected: dict[str, int] = defaultdict(int)
    for place, reason, count in session.execute(scope.rejections()):
        rejected[reason or "unknown"] += count
        places[place]["rejected_code_attempts"] += count
    issued = 0
    for place, count in session.execute(scope.vouchers(Voucher.issued_at)):
        issued += count
        places[place]["vouchers_issued"] += count
    expired = sum(count for _, count in session.execute(scope.vouchers(Voucher.expired_at)))

    return AnalyticsOut(
        from_=period.first,
        to=period.last,
        timezone=period.timezone,
        location=query.location,
        starts_at=iso_utc(period.starts_at),
        ends_at=iso_utc(period.ends_at),
        stamps=StampFigures(given=given, reversed=reversed_, net=given - reversed_),
        rewards=RewardFigures(**reached, total=sum(reached.values())),
        vouchers=VoucherFigures(issued=issued, redeemed=redeemed, expired=expired),
        redemption_rate=round(redeemed / issued, 4) if issued else None,
        rejected_code_attempts=RejectedCodes(
            total=sum(rejected.values()), by_reason=dict(sorted(rejected.items()))
        ),
        locations=[
            LocationRow(location=place, **_zeros(LocationRow, counts))
            for place, counts in sorted(places.items(), key=_named_first)
        ],
        staff=[
            StaffRow(staff=staff, **_zeros(StaffRow, counts))
            for staff, counts in sorted(people.items(), key=_named_first)
        ],
        days=[
            DayRow(date=day, **_zeros(DayRow, days[index]))
            for index, day in enumerate(period.days())
        ],
    )


def known_locations(session: Session, merchant_id: str) -> list[str]:
    """The locations the merchant's sales, redemptions and staff seats named, for a choice."""
    sold = select(Sale.location).where(Sale.merchant_id == merchant_id)
    used = select(VoucherRedemption.location).where(VoucherRedemption.merchant_id == merchant_id)
    seated = select(StaffSeat.location).where(StaffSeat.merchant_id == merchant_id)
    names = session.scalars(sold.union(used, seated)).all()
    return sorted(name for name in names if name)


def _zeros(model: type[Any], counts: dict[str, int]) -> dict[str, int]:
    numbers = [name for name, info in model.model_fields.items() if info.annotation is int]
    return {name: counts.get(name, 0) for name in numbers}


def _named_first(item: tuple[str | None, Any]) -> tuple[bool, str]:
    return (item[0] is None, item[0] or "")


@dataclass(frozen=True)
class _Scope:
    """The merchant, period and location every query of one answer is limited to."""

    merchant_id: str
    period: Period
    location: str | None

    def _day(self, column: SQLColumnExpression[dt.datetime]) -> ColumnElement[int]:
        # The first day whose end lies after the instant; the period bounds keep it inside.
        ends: Sequence[dt.datetime] = self.period.day_starts[1:]
        return case(*((column < end, index) for index, end in enumerate(ends)), else_=len(ends))

    def _within(self, column: SQLColumnExpression[dt.datetime | None]) -> list[ColumnElement[bool]]:
        return [column >= self.period.starts_at, column < self.period.ends_at]

    def _grouped(self, inner: Select[Any] | CompoundSelect[Any], *summed: str) -> Select[Any]:
        # Group the inner rows by their k_ columns: sum the named columns, or count the rows.
        rows = inner.subquery()
        keys = [column for column in rows.c if column.key.startswith("k_")]
        totals: list[ColumnElement[Any]] = [func.sum(rows.c[name]) for name in summed]
        totals = totals or [func.count()]
        statement = select(*keys, *totals).group_by(*keys)
        if self.location is not None:
            statement = statement.where(rows.c.k_place == self.location)
        return statement

    def stamps(self) -> Select[Any]:
        """(location, staff, day, stamps given, stamps reversed) per group."""
        place = func.coalesce(StampEntry.location, Sale.location)
        inner = (
            select(
                place.label("k_place"),
                StampEntry.staff.label("k_staff"),
                self._day(StampEntry.created_at).label("k_day"),
                case((StampEntry.delta > 0, StampEntry.delta), else_=0).label("plus"),
                case((StampEntry.delta < 0, -StampEntry.delta), else_=0).label("minus"),
            )
            .outerjoin(Sale, Sale.id == StampEntry.sale_id)
            .where(StampEntry.merchant_id == self.merchant_id, *self._within(StampEntry.created_at))
        )
        return self._grouped(inner, "plus", "minus")

    def redemptions(self) -> Select[Any]:
        """(location, staff, day, redemptions) per group; rolled-back ones do not count."""
        place = func.coalesce(VoucherRedemption.location, Sale.location)
        inner = (
            select(
                place.label("k_place"),
                VoucherRedemption.staff.label("k_staff"),
                self._day(VoucherRedemption.redeemed_at).label("k_day"),
            )
            .outerjoin(Sale, Sale.id == VoucherRedemption.sale_id)
            .where(
                VoucherRedemption.merchant_id == self.merchant_id,
                VoucherRedemption.rolled_back_at.is_(None),
                *self._within(VoucherRedemption.redeemed_at),
            )
        )
        return self._grouped(inner)

    def events(self, types: list[str]) -> Select[Any]:
        """(location of the event's sale, type, count) per group."""
        inner = (
            select(Sale.location.label("k_place"), Event.type.label("k_type"))
            .select_from(Event)
            .outerjoin(Sale, Sale.id == Event.data["sale_id"].as_string())
            .where(
                Event.merchant_id == self.merchant_id,
                Event.type.in_(types),
                *self._within(Event.created_at),
            )
        )
        return self._grouped(inner)

    def rejections(self) -> Select[Any]:
        """(location, reason, count) of rejected codes: promo codes on sales (at the sale's
        location), vouchers refused at the staff scanner (at the seat's) and codes refused at
        the till through ``/v1/codes/*`` (at theirs)."""
        # A scanner's refusal carries its seat's location; a sale's, the sale's.
        place = func.coalesce(Event.data["location"].as_string(), Sale.location)
        on_sales = (
            select(place.label("k_place"), Event.data["reason"].as_string().label("k_reason"))
            .select_from(Event)
            .outerjoin(Sale, Sale.id == Event.data["sale_id"].as_string())
            .where(
                Event.merchant_id == self.merchant_id,
                Event.type == REJECTED,
                *self._within(Event.created_at),
            )
        )
        at_the_till = select(
            RejectedCodeAttempt.location.label("k_place"),
            RejectedCodeAttempt.reason.label("k_reason"),
        ).where(
            RejectedCodeAttempt.merchant_id == self.merchant_id,
            *self._within(RejectedCodeAttempt.created_at),
        )
        return self._grouped(union_all(on_sales, at_the_till))

    def vouchers(self, moment: SQLColumnExpression[dt.datetime | None]) -> Select[Any]:
        """(location of the sale that earned it, count) of vouchers whose ``moment`` is inside."""
        inner = (
            select(Sale.location.label("k_place"))
            .select_from(Voucher)
            .outerjoin(Sale, Sale.id == Voucher.source_sale_id)
            .where(Voucher.merchant_id == self.merchant_id, *self._within(moment))
        )
        return self._grouped(inner)


def last_days(
    session: Session, merchant_id: str, days: int, location: str | None
) -> AnalyticsQuery:
    """The query of the last ``days`` days up to today in the merchant's time zone."""
    merchant = session.get(Merchant, merchant_id)
    assert merchant is not None
    today = utcnow().astimezone(ZoneInfo(merchant.timezone)).date()
    return AnalyticsQuery(from_=today - dt.timedelta(days=days - 1), to=today, location=location)
