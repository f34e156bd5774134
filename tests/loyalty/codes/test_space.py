"""Unique code patterns must be sparse: a guessed code hits an issued one at most once in 10^6."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.loyalty.programs.rewards import REWARD, STORED
from tests.support.api import Api
from tests.support.codes import code_voucher, post
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card


def test_a_four_character_pattern_is_refused_for_the_default_volume(
    api: Api, merchant: dict[str, Any]
) -> None:
    # The probe's PZ-#### for 1,000 vouchers: 923,521 codes, random guesses found 10 of them.
    small = code_voucher({"mode": "unique", "pattern": "PZ-####"})
    program = post(api, merchant, "/v1/programs", nine_stamp_card(reward=small))
    assert_problem(program, 422, "pattern_too_small")
    (error,) = program.get_json()["errors"]
    assert error["loc"][-2:] == ["reward", "code"]
    assert "923,521" in error["msg"]
    assert "at least 7" in error["msg"]
    goodwill = post(api, merchant, "/v1/vouchers", {"reward": small})
    assert_problem(goodwill, 422, "pattern_too_small")


def test_a_pattern_must_offer_a_million_codes_per_expected_voucher(
    api: Api, merchant: dict[str, Any]
) -> None:
    seven = code_voucher({"mode": "unique", "pattern": "PZ-#######"})  # 31^7 = 2.75e10
    assert post(api, merchant, "/v1/programs", nine_stamp_card(reward=seven)).status_code == 201
    more = code_voucher({"mode": "unique", "pattern": "PZ-#######", "expected_volume": 30_000})
    assert_problem(
        post(api, merchant, "/v1/programs", nine_stamp_card(reward=more)), 422, "pattern_too_small"
    )
    eight = code_voucher({"mode": "unique", "pattern": "PZ-####-####", "expected_volume": 800_000})
    assert post(api, merchant, "/v1/vouchers", {"reward": eight}).status_code == 201


def test_a_reward_saved_before_the_rule_still_issues() -> None:
    # Stored rewards were checked when saved: reading them back must not refuse them.
    small = code_voucher({"mode": "unique", "pattern": "PZ-####"})
    assert REWARD.validate_python(small, context=STORED).type == "voucher"
    with pytest.raises(ValueError, match="offers 923,521 codes"):
        REWARD.validate_python(small)
