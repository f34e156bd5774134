"""When a voucher stops being valid, from its issue time and the reward's validity rule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from gateway.loyalty.programs.rewards import (
    DaysValidity,
    FixedDateValidity,
    MonthsValidity,
    UnlimitedValidity,
)


def valid_until(
    issued_at: datetime,
    validity: UnlimitedValidity | DaysValidity | MonthsValidity | FixedDateValidity,
    timezone: str,
) -> datetime | None:
    """The aware UTC end of validity of a voucher issued at ``issued_at``; None if unlimited."""
    if issued_at.tzinfo is None or issued_at.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    issued = issued_at.astimezone(UTC)
    if isinstance(validity, UnlimitedValidity):
        return None
    if isinstance(validity, DaysValidity):
        # Days are a duration: N x 24 h, whatever the clocks do in between.
        return issued + timedelta(days=validity.count)
    zone = ZoneInfo(timezone)
    if isinstance(validity, MonthsValidity):
        # Months are calendar months of the merchant's calendar: issued on the local Jan 31,
        # valid until the same local time on Feb 28/29 (relativedelta clamps the day).
        local_end = issued.astimezone(zone) + relativedelta(months=validity.count)
        return local_end.astimezone(UTC)
    end_of_day = datetime.combine(validity.date, time.max, tzinfo=zone)
    return end_of_day.astimezone(UTC)
