"""Customers' birthdays: a month and day, the year optional, and which of them fall on days.

Written ``YYYY-MM-DD``, or ``--MM-DD`` without the year (ISO 8601's form for a date without
its year, as vCard writes birthdays). A card stores the month and day as ``MM-DD`` (what the
segments and automations look up) and the year apart.

A 29 February birthday falls on 28 February in years that have no 29th.
"""

from __future__ import annotations

import re
from calendar import isleap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

EARLIEST_YEAR = 1900
LEAP_DAY = "02-29"
_FORM = re.compile(r"^(?P<year>\d{4}|-)-(?P<month>\d{2})-(?P<day>\d{2})$")
_A_LEAP_YEAR = 2000


@dataclass(frozen=True)
class Birthday:
    """A birthday as a card stores it: ``MM-DD`` and the year, if the customer gave it."""

    month_day: str
    year: int | None

    @classmethod
    def of(cls, checked: str) -> Birthday:
        """The birthday of a checked ``BirthdayText``."""
        year, month_day = checked[:-6], checked[-5:]
        return cls(month_day, None if year == "-" else int(year))

    def text(self) -> str:
        """``YYYY-MM-DD``, or ``--MM-DD`` without a year."""
        return f"{self.year:04d}-{self.month_day}" if self.year else f"--{self.month_day}"


def parse_birthday(raw: str, today: date) -> Birthday:
    """Read ``YYYY-MM-DD`` or ``--MM-DD``; a day that does not exist, or a year before 1900
    or in the future, is refused (ValueError)."""
    found = _FORM.match(raw.strip())
    if found is None:
        raise ValueError("write the birthday as YYYY-MM-DD, or --MM-DD without the year")
    year = None if found["year"] == "-" else int(found["year"])
    try:
        born = date(year or _A_LEAP_YEAR, int(found["month"]), int(found["day"]))
    except ValueError as exc:
        raise ValueError("that day does not exist") from exc
    if year is not None and not EARLIEST_YEAR <= year <= today.year:
        raise ValueError(f"the year must be between {EARLIEST_YEAR} and this year")
    if year is not None and born > today:
        raise ValueError("the birthday is in the future")
    return Birthday(born.strftime("%m-%d"), year)


def birthday_text(month_day: str | None, year: int | None) -> str | None:
    """A stored birthday as the API writes it (None when the card has none)."""
    return None if month_day is None else Birthday(month_day, year).text()


def month_days_on(days: Iterable[date]) -> set[str]:
    """The ``MM-DD`` of every birthday that falls on one of ``days`` (29 February on the 28th
    in a year without it)."""
    found = set()
    for day in days:
        found.add(day.strftime("%m-%d"))
        if day.month == 2 and day.day == 28 and not isleap(day.year):
            found.add(LEAP_DAY)
    return found


def week_of(day: date) -> list[date]:
    """The calendar week holding ``day``: Monday to Sunday (ISO 8601), across a year's end."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]


def _checked(raw: str) -> str:
    return parse_birthday(raw, datetime.now(UTC).date()).text()


BirthdayText = Annotated[
    str,
    StringConstraints(max_length=10),
    AfterValidator(_checked),
    Field(
        description="The customer's birthday: `YYYY-MM-DD`, or `--MM-DD` without the year "
        "(a 29 February birthday is celebrated on 28 February in other years)",
        examples=["1990-02-14", "--02-14"],
    ),
]
"""A birthday as the API takes it, checked and written in its canonical form."""
