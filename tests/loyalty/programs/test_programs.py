"""Programs: the 9-stamp card, validation of rewards, milestones and rules, and changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import FREE_COFFEE, lottery, nine_stamp_card


def create(api: Api, merchant: dict[str, Any], body: dict[str, Any]) -> Any:
    return api.call("POST", "/v1/programs", merchant["api_key"], json=body)


def test_the_nine_stamp_card_round_trips(api: Api, merchant: dict[str, Any]) -> None:
    response = create(api, merchant, nine_stamp_card())
    assert response.status_code == 201
    program = response.get_json()
    assert program["id"].startswith("prg_")
    assert program["stamps_goal"] == 9
    assert [m["stamps"] for m in program["milestones"]] == [3, 6]
    assert program["reward"]["code"] == {"mode": "shared", "value": "FREEPIZZA9"}
    assert program["warnings"] == []
    read = api.call("GET", f"/v1/programs/{program['id']}", merchant["api_key"]).get_json()
    assert read == program
    listed = api.call("GET", "/v1/programs", merchant["api_key"]).get_json()
    assert [item["id"] for item in listed["items"]] == [program["id"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stamps_goal": 0}, "stamps_goal"),
        ({"stamps_goal": 101}, "stamps_goal"),
        ({"milestones": [{"stamps": 9, "reward": FREE_COFFEE}]}, None),
        ({"milestones": [{"stamps": 3, "reward": FREE_COFFEE}] * 2}, None),
        ({"rules": [{"kind": "per_visit", "stamps": 1}]}, "rules"),
        ({"rules": [{"kind": "per_amount", "stamps": 1, "every": 0}]}, "rules"),
        ({"rules": [{"kind": "per_item", "stamps": 1}]}, "rules"),
        ({"reward": {"type": "voucher", "description": "x", "redemption": "code"}}, "reward"),
        ({"reward": {"type": "award", "description": ""}}, "reward"),
        ({"max_stamps_per_sale": 0}, "max_stamps_per_sale"),
        ({"name": "   "}, "name"),
    ],
)
def test_invalid_programs_are_refused_with_field_errors(
    api: Api, merchant: dict[str, Any], changes: dict[str, Any], field: str | None
) -> None:
    body = assert_problem(
        create(api, merchant, nine_stamp_card(**changes)), 422, "validation_error"
    )
    if field is not None:
        assert any(error["loc"][0] == field for error in body["errors"]), body["errors"]
    assert api.call("GET", "/v1/programs", merchant["api_key"]).get_json()["items"] == []


def test_lottery_probabilities_must_add_up_to_100(api: Api, merchant: dict[str, Any]) -> None:
    body = nine_stamp_card(
        reward=lottery(("award", "33.33"), ("no_prize", "33.33"), ("try_again", "33.33"))
    )
    problem = assert_problem(create(api, merchant, body), 422, "probabilities_not_100")
    assert "99.99" in problem["errors"][0]["msg"]


def test_unusual_lotteries_are_allowed_with_warnings(api: Api, merchant: dict[str, Any]) -> None:
    certain = create(api, merchant, nine_stamp_card(reward=lottery(("award", "100"))))
    assert certain.status_code == 201
    assert [w["code"] for w in certain.get_json()["warnings"]] == ["lottery_certain_outcome"]
    assert any("100%" in w["detail"] for w in certain.get_json()["warnings"])
    stingy = create(
        api, merchant, nine_stamp_card(reward=lottery(("no_prize", "60"), ("voucher", "40")))
    )
    assert stingy.status_code == 201
    assert "lottery_mostly_no_prize" in [w["code"] for w in stingy.get_json()["warnings"]]
    assert any("no_prize" in w["detail"] for w in stingy.get_json()["warnings"])


def test_patch_changes_only_what_is_given(api: Api, merchant: dict[str, Any]) -> None:
    program = create(api, merchant, nine_stamp_card()).get_json()
    path = f"/v1/programs/{program['id']}"
    patched = api.call(
        "PATCH", path, merchant["api_key"], json={"name": "Pizza card", "max_stamps_per_sale": 3}
    )
    assert patched.status_code == 200
    body = patched.get_json()
    assert body["name"] == "Pizza card"
    assert body["max_stamps_per_sale"] == 3
    assert body["milestones"] == program["milestones"]
    assert body["warnings"] == []
    cleared = api.call(
        "PATCH", path, merchant["api_key"], json={"max_stamps_per_sale": None}
    ).get_json()
    assert cleared["max_stamps_per_sale"] is None


def test_patch_that_breaks_the_program_changes_nothing(api: Api, merchant: dict[str, Any]) -> None:
    program = create(api, merchant, nine_stamp_card()).get_json()
    path = f"/v1/programs/{program['id']}"
    response = api.call(
        "PATCH", path, merchant["api_key"], json={"stamps_goal": 5, "name": "Changed"}
    )
    assert_problem(response, 422, "validation_error")
    after = api.call("GET", path, merchant["api_key"]).get_json()
    assert after["stamps_goal"] == 9
    assert after["name"] == "Coffee card"


def test_programs_of_another_merchant_are_invisible(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    theirs = create(api, other_merchant, nine_stamp_card()).get_json()
    path = f"/v1/programs/{theirs['id']}"
    assert_problem(api.call("GET", path, merchant["api_key"]), 404, "not_found")
    assert_problem(
        api.call("PATCH", path, merchant["api_key"], json={"name": "Mine"}), 404, "not_found"
    )
    assert api.call("GET", "/v1/programs", merchant["api_key"]).get_json()["items"] == []


def test_a_program_without_rules_is_created_with_a_warning_that_names_the_fix(
    api: Api, merchant: dict[str, Any]
) -> None:
    created = create(api, merchant, nine_stamp_card(rules=[]))
    assert created.status_code == 201
    [warning] = created.get_json()["warnings"]
    assert warning["code"] == "no_rules"
    assert warning["detail"].startswith("rules: ")
    assert '"per_sale"' in warning["detail"]
    path = f"/v1/programs/{created.get_json()['id']}"
    fixed = api.call(
        "PATCH", path, merchant["api_key"], json={"rules": [{"kind": "per_sale", "stamps": 1}]}
    )
    assert fixed.get_json()["warnings"] == []


def test_the_first_program_is_the_default_and_a_second_one_says_where_sales_go(
    api: Api, merchant: dict[str, Any]
) -> None:
    first = create(api, merchant, nine_stamp_card()).get_json()
    assert first["warnings"] == []
    assert first["is_default"] is True
    second = create(api, merchant, nine_stamp_card(name="Tea card")).get_json()
    assert second["is_default"] is False
    [warning] = second["warnings"]
    assert warning["code"] == "default_program"
    assert first["id"] in warning["detail"]
    assert f"PATCH /v1/programs/{second['id']}" in warning["detail"]
    assert '"is_default": true' in warning["detail"]


def test_making_another_program_the_default_moves_it(api: Api, merchant: dict[str, Any]) -> None:
    first = create(api, merchant, nine_stamp_card()).get_json()
    second = create(api, merchant, nine_stamp_card(name="Tea card")).get_json()
    moved = api.call(
        "PATCH", f"/v1/programs/{second['id']}", merchant["api_key"], json={"is_default": True}
    )
    assert moved.status_code == 200
    assert moved.get_json()["is_default"] is True
    assert moved.get_json()["warnings"] == []
    defaults = {
        program["id"]: program["is_default"]
        for program in api.call("GET", "/v1/programs", merchant["api_key"]).get_json()["items"]
    }
    assert defaults == {first["id"]: False, second["id"]: True}


def test_clearing_the_default_warns_that_sales_must_name_their_program(
    api: Api, merchant: dict[str, Any]
) -> None:
    first = create(api, merchant, nine_stamp_card()).get_json()
    create(api, merchant, nine_stamp_card(name="Tea card"))
    cleared = api.call(
        "PATCH", f"/v1/programs/{first['id']}", merchant["api_key"], json={"is_default": False}
    ).get_json()
    assert cleared["is_default"] is False
    [warning] = cleared["warnings"]
    assert warning["code"] == "default_program"
    assert "none is the default" in warning["detail"]
    assert "program_required" in warning["detail"]


def test_a_program_created_as_the_default_takes_over(api: Api, merchant: dict[str, Any]) -> None:
    first = create(api, merchant, nine_stamp_card()).get_json()
    second = create(api, merchant, {**nine_stamp_card(name="Tea card"), "is_default": True})
    assert second.get_json()["is_default"] is True
    assert second.get_json()["warnings"] == []
    again = api.call("GET", f"/v1/programs/{first['id']}", merchant["api_key"]).get_json()
    assert again["is_default"] is False
