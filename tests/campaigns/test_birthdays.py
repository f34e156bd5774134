"""Customers' birthdays: taken and shown by the card API, checked, and found by the
birthday_week segment in the merchant's week (29 February, the turn of the year)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from gateway.campaigns.schemas import Segment
from gateway.campaigns.segments import segment_cards
from gateway.loyalty.cards.birthdays import month_days_on, parse_birthday, week_of
from gateway.loyalty.programs.models import Program
from tests.campaigns.conftest import Shop

SEGMENT: TypeAdapter[Segment] = TypeAdapter(Segment)
BIRTHDAY_WEEK = SEGMENT.validate_python({"kind": "birthday_week"})


def enrol(shop: Shop, birthday: str) -> dict[str, Any]:
    """A new card whose customer gave ``birthday``; its JSON."""
    body = {"program_id": shop.program_id, "customer": {"birthday": birthday}}
    card: dict[str, Any] = shop.ok("POST", "/v1/cards", json=body)
    return card


def in_birthday_week(shop: Shop, now: datetime, timezone: str = "UTC") -> set[str]:
    """The card numbers of the birthday_week segment at ``now``."""
    with shop.app.extensions["stampgate"].session_factory() as session:
        program = session.get(Program, shop.program_id)
        assert program is not None
        statement = segment_cards(program, BIRTHDAY_WEEK, now, timezone)
        return {card.number for card in session.scalars(statement)}


def test_the_card_api_takes_a_birthday_with_or_without_its_year(shop: Shop) -> None:
    for birthday in ("1990-02-30", "--13-01", "1899-05-01", "3000-01-01", "14.02"):
        body = {"program_id": shop.program_id, "customer": {"birthday": birthday}}
        response = shop.call("POST", "/v1/cards", json=body)
        assert response.status_code == 422, (birthday, response.get_json())
        assert response.get_json()["errors"][0]["loc"][-1] == "birthday"
    assert shop.ok("GET", "/v1/cards")["items"] == []  # nothing written
    with_year = enrol(shop, "1990-02-14")
    without = enrol(shop, "--12-31")
    assert with_year["customer"]["birthday"] == "1990-02-14"
    assert shop.ok("GET", f"/v1/cards/{without['number']}")["customer"]["birthday"] == "--12-31"
    plain = shop.ok("POST", "/v1/cards", json={"program_id": shop.program_id})
    assert plain["customer"]["birthday"] is None


def test_29_february_is_taken_without_a_year_and_only_in_leap_years() -> None:
    today = date(2026, 12, 1)
    assert parse_birthday("--02-29", today).text() == "--02-29"
    assert parse_birthday("2000-02-29", today).year == 2000
    with pytest.raises(ValueError, match="does not exist"):
        parse_birthday("2001-02-29", today)


def test_a_week_is_monday_to_sunday_across_the_turn_of_the_year() -> None:
    week = week_of(date(2027, 1, 1))  # a Friday
    assert (week[0], week[-1]) == (date(2026, 12, 28), date(2027, 1, 3))
    assert month_days_on(week) == {"12-28", "12-29", "12-30", "12-31", "01-01", "01-02", "01-03"}
    # 28 February of a year without a 29th holds the 29 February birthdays too.
    assert "02-29" in month_days_on([date(2027, 2, 28)])
    assert "02-29" not in month_days_on([date(2028, 2, 28)])


def test_birthday_week_is_the_merchants_week(shop: Shop) -> None:
    new_year_eve = enrol(shop, "--12-31")["number"]
    second_jan = enrol(shop, "1985-01-02")["number"]
    leap_day = enrol(shop, "--02-29")["number"]
    monday_after = enrol(shop, "--01-04")["number"]
    shop.card()  # no birthday
    thursday = datetime(2026, 12, 31, 12, tzinfo=UTC)
    assert in_birthday_week(shop, thursday) == {new_year_eve, second_jan}
    # Sunday 23:30 UTC is already Monday in Kyiv: the next week, which holds 4 January.
    sunday_night = datetime(2027, 1, 3, 23, 30, tzinfo=UTC)
    assert in_birthday_week(shop, sunday_night) == {new_year_eve, second_jan}
    assert in_birthday_week(shop, sunday_night, "Europe/Kyiv") == {monday_after}
    # 2027 has no 29 February: its birthdays fall in the week of 28 February (a Sunday).
    assert in_birthday_week(shop, datetime(2027, 2, 24, tzinfo=UTC)) == {leap_day}
    assert in_birthday_week(shop, datetime(2028, 2, 24, tzinfo=UTC)) == set()
    assert in_birthday_week(shop, datetime(2028, 3, 1, tzinfo=UTC)) == {leap_day}
