"""POS promotions, discounts and coupons as redeem codes, and the stale-mapping check."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mappings.promo_codes import (
    COUPON_PREFIX,
    code_of_coupon,
    codes_of_promotions,
    coupon_key,
    series_may_decide,
    stale_codes,
)

CODES = {"5": "FREEPIZZA9", "7": "LATTE2", "series-1": "SUMMER", "coupon:A-100": "VIP1"}


def test_mapped_promotions_give_their_codes_in_the_order_given() -> None:
    assert codes_of_promotions(CODES, ["7", "5"]) == ["LATTE2", "FREEPIZZA9"]
    assert codes_of_promotions(CODES, ["5", "7"]) == ["FREEPIZZA9", "LATTE2"]


def test_unmapped_promotions_carry_no_code() -> None:
    assert codes_of_promotions(CODES, ["6", "5", ""]) == ["FREEPIZZA9"]
    assert codes_of_promotions({}, ["5"]) == []


def test_a_coupon_numbers_own_mapping_wins_over_its_series() -> None:
    assert code_of_coupon(CODES, "A-100", "series-1") == "VIP1"


def test_a_coupon_takes_its_series_code() -> None:
    assert code_of_coupon(CODES, "B-200", "series-1") == "SUMMER"


def test_an_unmapped_coupon_is_its_own_code() -> None:
    assert code_of_coupon(CODES, "B-200", "series-2") == "B-200"
    assert code_of_coupon(CODES, "B-200") == "B-200"
    assert code_of_coupon({}, "B-200", "series-1") == "B-200"


def test_a_coupon_key_is_the_number_behind_the_prefix() -> None:
    assert coupon_key("A-100") == "coupon:A-100"
    assert coupon_key("A-100").startswith(COUPON_PREFIX)


def test_the_series_is_asked_only_when_it_could_decide_the_code() -> None:
    assert series_may_decide(CODES, "B-200")
    assert not series_may_decide(CODES, "A-100")  # mapped itself
    assert not series_may_decide(CODES, "")  # no coupon
    assert not series_may_decide({"coupon:A-100": "VIP1"}, "B-200")  # no series mapped
    assert not series_may_decide({}, "B-200")


def test_mappings_of_unlisted_promotions_are_stale() -> None:
    assert stale_codes(CODES, ["7", "series-1"]) == {"5": "FREEPIZZA9"}
    assert stale_codes(CODES, []) == {"5": "FREEPIZZA9", "7": "LATTE2", "series-1": "SUMMER"}


def test_coupon_numbers_are_never_stale() -> None:
    assert stale_codes({"coupon:A-100": "VIP1"}, []) == {}


def test_stale_codes_accept_any_iterable_of_ids() -> None:
    listed = (promotion_id for promotion_id in ["5", "7", "series-1"])
    assert stale_codes(CODES, listed) == {}


keys = st.text(min_size=1, max_size=8)


@given(st.dictionaries(keys, keys, max_size=8), st.lists(keys, max_size=8))
def test_stale_codes_are_the_mapped_keys_not_listed(
    codes: dict[str, str], listed: list[str]
) -> None:
    stale = stale_codes(codes, listed)
    assert set(stale) <= set(codes)
    for key, code in codes.items():
        expected = key not in listed and not key.startswith(COUPON_PREFIX)
        assert (stale.get(key) == code) if expected else key not in stale
