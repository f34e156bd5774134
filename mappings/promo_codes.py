"""POS promotions, discounts and coupons -> the merchant's redeem codes.

A connection's code map has two kinds of keys: the id of a promotion, discount type or coupon
series the POS lists, and ``coupon:<number>`` for one coupon number (which no POS lists).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

COUPON_PREFIX = "coupon:"
"""The key prefix of a single coupon number's mapping."""


def coupon_key(number: str) -> str:
    """The map key of one coupon number."""
    return f"{COUPON_PREFIX}{number}"


def codes_of_promotions(codes: Mapping[str, str], promotion_ids: Iterable[str]) -> list[str]:
    """The redeem codes mapped to the given promotions or discount types, in their order;
    an unmapped one carries no code."""
    return [codes[key] for key in promotion_ids if key in codes]


def code_of_coupon(codes: Mapping[str, str], number: str, series: str | None = None) -> str:
    """The redeem code of a coupon: the number's own mapping wins, then its series';
    otherwise the number itself is the code."""
    by_series = codes.get(series, number) if series else number
    return codes.get(coupon_key(number), by_series)


def series_may_decide(codes: Mapping[str, str], number: str) -> bool:
    """Whether the coupon's series could decide its code (so is worth asking the POS for):
    not when the number is mapped itself, nor when no series is mapped at all."""
    if not number or coupon_key(number) in codes:
        return False
    return not all(key.startswith(COUPON_PREFIX) for key in codes)


def stale_codes(codes: Mapping[str, str], listed_ids: Iterable[str]) -> dict[str, str]:
    """The mappings whose POS promotion is no longer listed (coupon numbers are never listed)."""
    listed = set(listed_ids)
    return {
        key: code
        for key, code in codes.items()
        if key not in listed and not key.startswith(COUPON_PREFIX)
    }
