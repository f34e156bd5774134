"""Countries (ISO 3166-1 alpha-2) and the country of a time zone, from the IANA tz database.

Every table comes from the ``tzdata`` package's own files: ``iso3166.tab`` (the codes),
``zone.tab`` (each zone's country) and the links of ``tzdata.zi`` (legacy names such as
``Europe/Kiev`` -> ``Europe/Kyiv``). A legacy name is its zone's country when ``zone.tab``
gives that zone (under its name or a link to it) one country only: where several countries
keep one zone's time (``Iceland`` links to ``Africa/Abidjan``, as ``Atlantic/Reykjavik``
and ``Africa/Bamako`` do) the link tells nothing of where the name is. A zone that no single
country owns (``UTC``, ``Etc/*``, an abbreviation name such as ``EET``) has none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StringConstraints


def _rows(name: str) -> Iterator[list[str]]:
    text = files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@cache
def country_names() -> dict[str, str]:
    """Every ISO 3166-1 alpha-2 code and the country's name."""
    return {row[0]: row[1] for row in _rows("iso3166.tab")}


@cache
def _zone_countries() -> dict[str, str]:
    return {row[2]: row[0] for row in _rows("zone.tab")}


@cache
def _countries_keeping() -> dict[str, frozenset[str]]:
    """Each zone and the countries of the ``zone.tab`` rows naming it or a link to it."""
    keeping: dict[str, set[str]] = {}
    for zone, country in _zone_countries().items():
        keeping.setdefault(_linked_zone(zone) or zone, set()).add(country)
    return {zone: frozenset(countries) for zone, countries in keeping.items()}


@cache
def _links() -> dict[str, str]:
    """Each legacy name and the zone it links to (``tzdata.zi``'s ``L TARGET NAME`` lines)."""
    text = files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    rows = (line.split() for line in text.splitlines() if line.startswith("L "))
    return {row[2]: row[1] for row in rows if len(row) == 3}


def _linked_zone(name: str) -> str | None:
    links, seen = _links(), {name}
    target = links.get(name)
    while target in links and target not in seen:  # zic writes direct links; follow anyway
        seen.add(target)
        target = links[target]
    return target


def _names_its_time(name: str) -> bool:
    """``EET``, ``HST``: a name that is the abbreviation its zone shows names a time, no place."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return any(datetime(2026, month, 1, tzinfo=zone).tzname() == name for month in (1, 7))


def country_of_timezone(timezone: str) -> str | None:
    """The country whose zone ``timezone`` is (``Europe/Kyiv`` and its legacy name
    ``Europe/Kiev``: ``UA``); None if none is."""
    own = _zone_countries().get(timezone)
    if own is not None:
        return own
    target = _linked_zone(timezone)
    if target is None or _names_its_time(timezone):
        return None
    countries = _countries_keeping().get(target, frozenset())
    return next(iter(countries)) if len(countries) == 1 else None


def _known_country(value: str) -> str:
    if value not in country_names():
        raise ValueError("is not an ISO 3166-1 country code (two letters, e.g. UA, DE, US)")
    return value


Country = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=2, max_length=2),
    AfterValidator(_known_country),
    Field(
        description="ISO 3166-1 alpha-2 country; phone numbers in national form are read as "
        "this country's",
        examples=["UA"],
    ),
]
"""A country code, upper-cased: ``ua`` is ``UA``."""


CountryLookup = Callable[[], str | None]
_phone_country: ContextVar[str | CountryLookup | None] = ContextVar("phone_country", default=None)


def phone_country() -> str | None:
    """The country whose national phone numbers are being read (the request's merchant's)."""
    country = _phone_country.get()
    if callable(country):
        country = country()
        _phone_country.set(country)
    return country


def set_phone_country(country: str | CountryLookup | None) -> None:
    """Read national phone numbers as ``country``'s from now on in this context (None: none);
    a lookup is called when the first phone number is read, so a request with none skips it."""
    _phone_country.set(country)
