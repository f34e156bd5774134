"""Reward validation: Award, Voucher and Lottery as the contract writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.loyalty.programs.rewards import (
    REWARD,
    Award,
    DaysValidity,
    FixedDateValidity,
    Lottery,
    MonthsValidity,
    PoolCode,
    SharedCode,
    UniqueCode,
    UnlimitedValidity,
    VoucherReward,
    lottery_warnings,
)

AWARD = {"type": "award", "description": "Any regular coffee", "image_url": None}
VOUCHER = {
    "type": "voucher",
    "description": "Free pizza",
    "image_url": None,
    "redemption": "staff",
    "code": None,
    "validity": {"kind": "unlimited"},
}


def variant(kind: str, probability: str, reward: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "probability": probability,
        "name": f"{kind} slot",
        "greeting": "Hello",
    }
    if reward is not None:
        body["reward"] = reward
    return body


def lottery(*variants: dict[str, Any]) -> dict[str, Any]:
    return {"type": "lottery", "name": "Spin to win", "variants": list(variants)}


SPIN = lottery(
    variant("award", "25.00", AWARD),
    variant("voucher", "25.00", VOUCHER),
    variant("try_again", "20.00"),
    variant("no_prize", "30.00"),
)


def errors_of(body: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        REWARD.validate_python(body)
    return [(error["loc"], error["type"]) for error in caught.value.errors()]


def voucher(**changes: Any) -> dict[str, Any]:
    return {**VOUCHER, **changes}


def test_the_contract_rewards_parse() -> None:
    assert isinstance(REWARD.validate_python(AWARD), Award)
    parsed = REWARD.validate_python(SPIN)
    assert isinstance(parsed, Lottery)
    assert [v.probability for v in parsed.variants] == [Decimal(25), 25, 20, 30]
    assert isinstance(parsed.variants[1].reward, VoucherReward)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (None, type(None)),
        ({"mode": "shared", "value": "FREEPIZZA9"}, SharedCode),
        ({"mode": "unique", "pattern": "PZ-####-####"}, UniqueCode),
        ({"mode": "pool", "pool_id": "cpl_01jd3k0000000000000000000a"}, PoolCode),
    ],
)
def test_voucher_code_modes(code: dict[str, str] | None, expected: type) -> None:
    parsed = REWARD.validate_python(voucher(code=code))
    assert isinstance(parsed, VoucherReward)
    assert isinstance(parsed.code, expected)


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ({"kind": "unlimited"}, UnlimitedValidity),
        ({"kind": "days", "count": 30}, DaysValidity),
        ({"kind": "months", "count": 3}, MonthsValidity),
        ({"kind": "fixed_date", "date": "2027-01-31"}, FixedDateValidity),
    ],
)
def test_voucher_validity_kinds(validity: dict[str, Any], expected: type) -> None:
    parsed = REWARD.validate_python(voucher(validity=validity))
    assert isinstance(parsed, VoucherReward)
    assert isinstance(parsed.validity, expected)


def test_voucher_defaults_and_trimming() -> None:
    parsed = REWARD.validate_python(
        {"type": "voucher", "description": "  Free pizza \n", "redemption": "self"}
    )
    assert isinstance(parsed, VoucherReward)
    assert parsed.description == "Free pizza"
    assert parsed.image_url is None
    assert parsed.code is None
    assert isinstance(parsed.validity, UnlimitedValidity)


def test_fixed_date_is_a_date_and_dumps_back() -> None:
    parsed = REWARD.validate_python(voucher(validity={"kind": "fixed_date", "date": "2027-01-31"}))
    assert isinstance(parsed, VoucherReward)
    assert isinstance(parsed.validity, FixedDateValidity)
    assert parsed.validity.date == date(2027, 1, 31)
    assert parsed.model_dump(mode="json")["validity"] == {
        "kind": "fixed_date",
        "date": "2027-01-31",
    }


def test_probabilities_dump_with_two_decimals() -> None:
    parsed = REWARD.validate_python(
        lottery(variant("no_prize", "50"), variant("try_again", "50.0"))
    )
    dumped = parsed.model_dump(mode="json")
    assert [v["probability"] for v in dumped["variants"]] == ["50.00", "50.00"]
    assert REWARD.validate_python(dumped) == parsed


@pytest.mark.parametrize("total", ["99.99", "100.01"])
def test_probabilities_must_add_up_to_exactly_100(total: str) -> None:
    rest = Decimal(total) - Decimal("40.00")
    body = lottery(variant("award", "40.00", AWARD), variant("no_prize", str(rest)))
    with pytest.raises(ValidationError) as caught:
        REWARD.validate_python(body)
    (error,) = caught.value.errors()
    assert error["type"] == "probabilities_not_100"
    assert error["loc"] == ("lottery", "variants")
    assert total in error["msg"]


def test_probabilities_not_100_on_the_lottery_model_itself() -> None:
    with pytest.raises(ValidationError) as caught:
        Lottery.model_validate(lottery(variant("no_prize", "99.99")))
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
        (("variants",), "probabilities_not_100")
    ]


@pytest.mark.parametrize(
    ("probability", "error_type"),
    [
        ("33.333", "decimal_max_places"),
        ("0", "greater_than"),
        ("-5", "greater_than"),
        ("100.01", "less_than_equal"),
        ("NaN", "finite_number"),
        ("lots", "decimal_parsing"),
    ],
)
def test_bad_probabilities_are_field_errors(probability: str, error_type: str) -> None:
    loc = ("lottery", "variants", 0, "probability")
    assert (loc, error_type) in errors_of(lottery(variant("no_prize", probability)))


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        (variant("award", "100"), "needs a reward of type 'award'"),
        (variant("voucher", "100", AWARD), "needs a reward of type 'voucher'"),
        (variant("try_again", "100", AWARD), "gives no reward"),
        (variant("no_prize", "100", VOUCHER), "gives no reward"),
    ],
)
def test_variant_rewards_match_their_kind(slot: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        REWARD.validate_python(lottery(slot))
    (error,) = caught.value.errors()
    assert error["loc"] == ("lottery", "variants", 0, "reward")
    assert message in error["msg"]


def test_a_lottery_cannot_be_a_variant_reward() -> None:
    slot = variant("award", "100", lottery(variant("no_prize", "100")))
    assert errors_of(lottery(slot)) == [(("lottery", "variants", 0, "reward"), "union_tag_invalid")]


def test_a_lottery_needs_variants() -> None:
    assert errors_of(lottery()) == [(("lottery", "variants"), "too_short")]


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({**AWARD, "points": 5}, ("award", "points"), "extra_forbidden"),
        ({**AWARD, "description": "   "}, ("award", "description"), "string_too_short"),
        ({**AWARD, "description": "x" * 501}, ("award", "description"), "string_too_long"),
        ({**AWARD, "image_url": "ftp://x.test/a.png"}, ("award", "image_url"), "value_error"),
        ({**AWARD, "image_url": "/a.png"}, ("award", "image_url"), "value_error"),
        ({**AWARD, "image_url": "https://x.test/a b.png"}, ("award", "image_url"), "value_error"),
        (voucher(redemption="cashier"), ("voucher", "redemption"), "literal_error"),
        (voucher(redemption="code"), ("voucher", "code"), "value_error"),
        (
            voucher(code={"mode": "shared", "value": "FREE\x00"}),
            ("voucher", "code", "shared", "value"),
            "value_error",
        ),
        (
            voucher(code={"mode": "shared", "value": "X" * 65}),
            ("voucher", "code", "shared", "value"),
            "string_too_long",
        ),
        (
            voucher(code={"mode": "shared", "value": " "}),
            ("voucher", "code", "shared", "value"),
            "string_too_short",
        ),
        (
            voucher(code={"mode": "unique", "pattern": "PZ-##"}),
            ("voucher", "code", "unique", "pattern"),
            "value_error",
        ),
        (
            voucher(
                code={"mode": "pool", "pool_id": "cpl_01jd3k0000000000000000000a", "value": "X"}
            ),
            ("voucher", "code", "pool", "value"),
            "extra_forbidden",
        ),
        (voucher(code={"mode": "random"}), ("voucher", "code"), "union_tag_invalid"),
        (
            voucher(validity={"kind": "days", "count": 0}),
            ("voucher", "validity", "days", "count"),
            "greater_than_equal",
        ),
        (
            voucher(validity={"kind": "months"}),
            ("voucher", "validity", "months", "count"),
            "missing",
        ),
        (
            voucher(validity={"kind": "fixed_date", "date": "2027-02-30"}),
            ("voucher", "validity", "fixed_date", "date"),
            "date_from_datetime_parsing",
        ),
        ({"type": "coupon"}, (), "union_tag_invalid"),
    ],
)
def test_invalid_rewards_fail_on_their_field(
    body: dict[str, Any], loc: tuple[str | int, ...], error_type: str
) -> None:
    assert errors_of(body) == [(loc, error_type)]


def test_a_shared_code_is_trimmed_and_an_image_url_kept() -> None:
    parsed = REWARD.validate_python(
        voucher(
            code={"mode": "shared", "value": "  FREEPIZZA9 "},
            image_url=" https://cdn.example.com/pizza.png ",
        )
    )
    assert isinstance(parsed, VoucherReward)
    assert parsed.code == SharedCode(mode="shared", value="FREEPIZZA9")
    assert parsed.image_url == "https://cdn.example.com/pizza.png"


def test_no_warnings_for_an_ordinary_lottery() -> None:
    parsed = REWARD.validate_python(SPIN)
    assert isinstance(parsed, Lottery)
    assert lottery_warnings(parsed) == []


def test_warns_about_a_single_100_percent_slot() -> None:
    parsed = Lottery.model_validate(lottery(variant("award", "100", AWARD)))
    (warning,) = lottery_warnings(parsed)
    assert warning.code == "lottery_certain_outcome"
    assert "100%" in warning.detail


@pytest.mark.parametrize(("no_prize", "warned"), [("50.00", False), ("50.01", True)])
def test_warns_when_no_prize_is_above_half(no_prize: str, warned: bool) -> None:
    rest = str(Decimal(100) - Decimal(no_prize))
    parsed = Lottery.model_validate(
        lottery(variant("no_prize", no_prize), variant("award", rest, AWARD))
    )
    warnings = lottery_warnings(parsed)
    assert bool(warnings) is warned
    assert all(warning.code == "lottery_mostly_no_prize" for warning in warnings)
    assert all("no_prize" in warning.detail for warning in warnings)
