"""Query and response bodies of ``GET /v1/analytics``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict

MAX_DAYS = 400
DEFAULT_DAYS = 30
_EXAMPLE: JsonDict = {
    "from": "2026-11-30",
    "to": "2026-12-01",
    "timezone": "Europe/Kyiv",
    "location": None,
    "starts_at": "2026-11-29T22:00:00Z",
    "ends_at": "2026-12-01T22:00:00Z",
    "stamps": {"given": 14, "reversed": 2, "net": 12},
    "rewards": {"goals": 1, "milestones": 3, "total": 4},
    "vouchers": {"issued": 3, "redeemed": 2, "expired": 0},
    "redemption_rate": 0.6667,
    "rejected_code_attempts": {"total": 2, "by_reason": {"already_redeemed": 2}},
    "locations": [
        {
            "location": "main",
            "stamps_given": 14,
            "stamps_reversed": 2,
            "rewards": 4,
            "vouchers_issued": 3,
            "vouchers_redeemed": 2,
            "rejected_code_attempts": 2,
        }
    ],
    "staff": [
        {"staff": "bar-1", "stamps_given": 2, "vouchers_redeemed": 1},
        {"staff": None, "stamps_given": 12, "vouchers_redeemed": 1},
    ],
    "days": [
        {"date": "2026-11-30", "stamps": 6, "redemptions": 0},
        {"date": "2026-12-01", "stamps": 8, "redemptions": 2},
    ],
}


class AnalyticsQuery(BaseModel):
    """The period (calendar days in the merchant's time zone, both ends included) and place."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date | None = Field(
        default=None,
        alias="from",
        description="First day (YYYY-MM-DD, the merchant's time zone); default 29 days before `to`",
    )
    to: dt.date | None = Field(
        default=None,
        description="Last day, included (YYYY-MM-DD, the merchant's time zone); default today",
    )
    location: str | None = Field(
        default=None, min_length=1, max_length=128, description="Only this location's figures"
    )

    @field_validator("to")
    @classmethod
    def _period_in_bounds(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        first = info.data.get("from_")
        if value is not None and first is not None:
            if value < first:
                raise ValueError("must not be before `from`")
            if (value - first).days + 1 > MAX_DAYS:
                raise ValueError(f"must be at most {MAX_DAYS} days after `from`")
        return value


class StampFigures(BaseModel):
    """Stamps added (sales, hand-given) and taken back by refunds; ``net`` is the difference."""

    given: int
    reversed: int
    net: int


class RewardFigures(BaseModel):
    """Goals and milestones reached (each gives its reward: award, voucher or spin)."""

    goals: int
    milestones: int
    total: int


class VoucherFigures(BaseModel):
    """Vouchers issued, redeemed (rolled-back redemptions excluded) and expired."""

    issued: int
    redeemed: int
    expired: int


class RejectedCodes(BaseModel):
    """Codes that redeemed nothing, by reason: promo codes on sales and vouchers refused at the
    staff scanner (``voucher.redemption_rejected``), refused ``/v1/codes/redeem`` and
    ``/v1/codes/hold`` calls, and ``/v1/codes/check`` answers finding a used code or another
    customer's.
    ``already_redeemed`` and ``other_customer`` are the signs of a screenshot passed around."""

    total: int
    by_reason: dict[str, int]


class LocationRow(BaseModel):
    """One location's figures (``location`` null: stamps and codes with no location)."""

    location: str | None
    stamps_given: int
    stamps_reversed: int
    rewards: int
    vouchers_issued: int
    vouchers_redeemed: int
    rejected_code_attempts: int


class StaffRow(BaseModel):
    """One staff member (the ``staff`` given on hand stamps and redemptions); null: not named."""

    staff: str | None
    stamps_given: int
    vouchers_redeemed: int


class DayRow(BaseModel):
    """One calendar day in the merchant's time zone."""

    date: dt.date
    stamps: int
    redemptions: int


class AnalyticsOut(BaseModel):
    """The merchant's figures for the period; every count is of things that happened in it."""

    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE}, populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    timezone: str
    location: str | None
    starts_at: str = Field(description="The period's first instant, RFC 3339 UTC")
    ends_at: str = Field(description="The instant after the period, RFC 3339 UTC")
    stamps: StampFigures
    rewards: RewardFigures
    vouchers: VoucherFigures
    redemption_rate: float | None = Field(
        description="Vouchers redeemed ÷ vouchers issued in the period (above 1 when older "
        "vouchers are redeemed); null when none was issued"
    )
    rejected_code_attempts: RejectedCodes
    locations: list[LocationRow]
    staff: list[StaffRow]
    days: list[DayRow]

    def as_json(self) -> dict[str, Any]:
        """The JSON body, with ``from`` spelled as in the query."""
        return self.model_dump(mode="json", by_alias=True)
