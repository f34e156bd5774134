"""When vouchers stop being valid: days, calendar months, a fixed date in local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from gateway.loyalty.programs.rewards import (
    DaysValidity,
    FixedDateValidity,
    MonthsValidity,
    UnlimitedValidity,
)
from gateway.loyalty.vouchers.validity import valid_until

KYIV = "Europe/Kyiv"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def months(count: int) -> MonthsValidity:
    return MonthsValidity(kind="months", count=count)


def test_unlimited_never_ends() -> None:
    assert valid_until(at(2026, 1, 1), UnlimitedValidity(kind="unlimited"), KYIV) is None


def test_days_are_whole_24_hour_days() -> None:
    issued = at(2026, 3, 20, 10, 30)
    end = valid_until(issued, DaysValidity(kind="days", count=30), KYIV)
    assert end == issued + timedelta(days=30)
    assert end is not None
    assert end.tzinfo is UTC


@pytest.mark.parametrize(
    ("issued", "count", "expected"),
    [
        (at(2026, 1, 31, 10), 1, at(2026, 2, 28, 10)),
        (at(2028, 1, 31, 10), 1, at(2028, 2, 29, 10)),  # leap year
        (at(2028, 2, 29, 10), 12, at(2029, 2, 28, 10)),
        (at(2028, 2, 29, 10), 48, at(2032, 2, 29, 10)),
        (at(2026, 3, 31, 10), 1, at(2026, 4, 30, 10)),
        (at(2026, 1, 31, 10), 3, at(2026, 4, 30, 10)),
        (at(2026, 11, 15, 10), 3, at(2027, 2, 15, 10)),
    ],
)
def test_months_are_calendar_months(issued: datetime, count: int, expected: datetime) -> None:
    assert valid_until(issued, months(count), "UTC") == expected


def test_months_follow_the_merchants_calendar() -> None:
    # 23:00 UTC on Jan 30 is already 01:00 on Jan 31 in Kyiv: one month later is Feb 28 local.
    end = valid_until(at(2026, 1, 30, 23), months(1), KYIV)
    assert end == at(2026, 2, 27, 23)


def test_months_keep_the_local_time_across_summer_time() -> None:
    # 10:00 in Kyiv is 08:00 UTC in winter and 07:00 UTC in summer.
    assert valid_until(at(2026, 3, 15, 8), months(1), KYIV) == at(2026, 4, 15, 7)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 31), datetime(2027, 1, 31, 21, 59, 59, 999_999, tzinfo=UTC)),  # UTC+2
        (date(2026, 7, 15), datetime(2026, 7, 15, 20, 59, 59, 999_999, tzinfo=UTC)),  # UTC+3
    ],
)
def test_fixed_date_ends_at_local_midnight_in_kyiv(day: date, expected: datetime) -> None:
    end = valid_until(at(2026, 1, 1), FixedDateValidity(kind="fixed_date", date=day), KYIV)
    assert end == expected
    assert end is not None
    assert end.tzinfo is UTC


def test_an_aware_non_utc_issue_time_gives_utc() -> None:
    issued = datetime(2026, 1, 31, 12, tzinfo=timezone(timedelta(hours=2)))
    end = valid_until(issued, DaysValidity(kind="days", count=1), KYIV)
    assert end == at(2026, 2, 1, 10)
    assert end is not None
    assert end.tzinfo is UTC


def test_a_naive_issue_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        valid_until(datetime(2026, 1, 1), DaysValidity(kind="days", count=1), KYIV)
