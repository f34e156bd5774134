"""Request and response bodies of the provisioning and API key routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from gateway.examples import example, page_example
from gateway.money import Currency
from gateway.strict import OptionalBody, StrictModel
from gateway.tenancy.countries import Country

MERCHANT: dict[str, Any] = {
    "id": "mer_01m8s0dny68yrczd7adgew8zt8",
    "name": "Cafe Aroma",
    "currency": "EUR",
    "timezone": "Europe/Kyiv",
    "country": "UA",
    "created_at": "2026-11-22T10:00:00Z",
}

_TIMEZONES = frozenset(available_timezones())


def _known_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        raise ValueError("not an IANA time zone name (e.g. Europe/Kyiv)")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_timezone)]


class MerchantCreate(StrictModel):
    """``POST /admin/v1/merchants``."""

    model_config = example({"name": "Cafe Aroma", "currency": "EUR", "timezone": "Europe/Kyiv"})

    name: Name
    currency: Currency
    timezone: TimeZoneName = Field(examples=["Europe/Kyiv"])
    country: Country | None = Field(
        default=None, description="Default: the country of the time zone, if it has one"
    )


class MerchantUpdate(StrictModel):
    """``PATCH /v1/merchant``: the fields given change; ``country: null`` clears it.

    The currency stays: stored amounts and stamp rules are in it.
    """

    model_config = example({"name": "Cafe Aroma Podil", "country": "UA"})

    name: Name | None = None
    timezone: TimeZoneName | None = Field(
        default=None,
        examples=["Europe/Kyiv"],
        description="Days of analytics and fixed-date validity follow it from now on",
    )
    country: Country | None = None


class MerchantOut(BaseModel):
    """A merchant."""

    model_config = ConfigDict(from_attributes=True) | example(MERCHANT)

    id: str
    name: str
    currency: str
    timezone: str
    country: str | None = Field(
        description="ISO 3166-1 alpha-2; phone numbers in national form are read as this "
        "country's (null: only international numbers are accepted)"
    )
    created_at: datetime


class MerchantCreated(MerchantOut):
    """A new merchant and its first API key, shown only in this response."""

    model_config = example(
        {**MERCHANT, "api_key": "sgk_2y0rfGh3UHZgwkyxhVfOUBxBi8xuyQ7XKa8Mywwjs7U"}
    )

    api_key: str


class MerchantPath(BaseModel):
    """Path of one merchant."""

    merchant_id: str = Field(max_length=64)


class ApiKeyCreate(OptionalBody):
    """``POST /v1/api-keys``."""

    model_config = example({"label": "till 2"})

    label: Label | None = None


class ApiKeyOut(BaseModel):
    """A stored key: never its secret."""

    model_config = ConfigDict(from_attributes=True) | example(
        {
            "id": "key_01m8s0dnyp52sw4khjxmyksbqg",
            "label": "initial",
            "prefix": "2y0rfGh3UHZg",
            "created_at": "2026-11-22T10:00:00Z",
            "revoked_at": None,
        }
    )

    id: str
    label: str | None
    prefix: str = Field(description="The first characters after 'sgk_', to tell keys apart")
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(BaseModel):
    """A new key; ``api_key`` is shown only in this response."""

    model_config = example(
        {
            "id": "key_01m8s0dnz616svg4t2w2btt5bx",
            "api_key": "sgk_QeS1PK27Osns8hRM6JxctLGxr9AyuzCJfUJarmQHtoM",
            "label": "till 2",
            "created_at": "2026-11-22T10:00:00Z",
        }
    )

    id: str
    api_key: str
    label: str | None
    created_at: datetime


class ApiKeyPage(BaseModel):
    """A page of keys."""

    model_config = page_example(ApiKeyOut)

    items: list[ApiKeyOut]
    next_cursor: str | None


class ApiKeyPath(BaseModel):
    """Path of one key."""

    key_id: str = Field(max_length=64)


SeatMode = Literal["scanner", "kiosk"]
SeatName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Location = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class SeatCreate(StrictModel):
    """A staff seat: a named place at a location whose devices sign in to the scanner."""

    model_config = example(
        {"name": "Bar Counter", "location": "main", "mode": "scanner", "repeat_seconds": 10}
    )

    name: SeatName
    location: Location
    mode: SeatMode = "scanner"
    repeat_seconds: int = Field(default=10, ge=0, le=3600)
