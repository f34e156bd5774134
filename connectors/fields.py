"""Reading POS values the same way in every connector: amounts, quantities, contacts, zones."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter, ValidationError
from tzlocal.windows_tz import win_tz

from gateway.loyalty.cards.identifiers import Email, normalize_phone

_email = TypeAdapter(Email)


def minor_units(value: Any, exponent: int = 0) -> int:
    """An amount in currency units (``185.5``) as minor units (``18550`` with exponent 2).

    Computed in Decimal, so no binary rounding creeps in; blank is zero, negatives are zero.
    """
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    scaled = amount.scaleb(exponent).to_integral_value(ROUND_HALF_UP)
    return max(int(scaled), 0)


def whole_units(value: Any) -> int:
    """A quantity in whole units; a weighed item (``0.350``) counts as one."""
    try:
        amount = Decimal(str(value or "0"))
    except InvalidOperation:
        return 0
    if not amount.is_finite() or amount <= 0:
        return 0
    return max(int(amount), 1)


def valid_phone(value: Any, country: str | None = None) -> str | None:
    """The phone in E.164, or None when it is missing or not a phone (the sale is kept).

    Digits alone are tried as an international number first (POS exports often drop the
    ``+``), then as a national one of ``country`` (the merchant's).
    """
    if not value:
        return None
    text = str(value).strip()
    candidates = [f"+{text}", text] if text.isdigit() else [text]
    for candidate in candidates:
        try:
            return normalize_phone(candidate, country)
        except ValueError:
            continue
    return None


def valid_email(value: Any) -> str | None:
    """The e-mail, or None when it is missing or malformed."""
    return _valid(_email, str(value)) if value else None


def _valid(adapter: TypeAdapter[str], value: str) -> str | None:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def time_zone(name: str | None) -> ZoneInfo | None:
    """An IANA zone from an IANA or a Windows name (``FLE Standard Time``); None if unknown."""
    if not name:
        return None
    for candidate in (name, win_tz.get(name)):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def local_time(value: str, zone: ZoneInfo) -> datetime:
    """A terminal's local ``yyyy-MM-dd HH:mm:ss.fff`` as an aware time in ``zone``."""
    return datetime.fromisoformat(value.strip().replace(" ", "T")).replace(tzinfo=zone)
