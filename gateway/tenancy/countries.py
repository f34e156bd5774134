"""Countries (ISO 3166-1 alpha-2) and the country of a time zone, from the IANA tz database.

Both tables come from the ``tzdata`` package's own files: ``iso3166.tab`` (the codes) and
``zone.tab`` (each zone's country). A zone that no single country owns (``UTC``, ``Etc/*``,
old alias names) has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from typing import Annotated

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


def country_of_timezone(timezone: str) -> str | None:
    """The country whose zone ``timezone`` is (``Europe/Kyiv`` -> ``UA``); None if none is."""
    return _zone_countries().get(timezone)


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


_phone_country: ContextVar[str | None] = ContextVar("phone_country", default=None)


def phone_country() -> str | None:
    """The country whose national phone numbers are being read (the request's merchant's)."""
    return _phone_country.get()


def set_phone_country(country: str | None) -> None:
    """Read national phone numbers as ``country``'s from now on in this context (None: none)."""
    _phone_country.set(country)
