"""The program editor over the test client: the same validation as the API, beside the field."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.console import Console

NINE_STAMPS = {
    "name": "Coffee card",
    "stamps_goal": "9",
    "auto_enroll": "on",
    "stampless_when_redeeming": "on",
    "rules-0-kind": "per_sale",
    "rules-0-stamps": "1",
    "reward-type": "voucher",
    "reward-description": "A free coffee",
    "reward-redemption": "code",
    "reward-code_mode": "shared",
    "reward-code_value": "FREECOFFEE",
    "reward-validity_kind": "days",
    "reward-validity_count": "30",
    "milestones-0-stamps": "3",
    "milestones-0-reward-type": "award",
    "milestones-0-reward-description": "A cookie",
    "milestones-1-stamps": "6",
    "milestones-1-reward-type": "voucher",
    "milestones-1-reward-description": "Half-price cake",
    "milestones-1-reward-redemption": "staff",
    "milestones-1-reward-validity_kind": "unlimited",
}


def _programs(api: Api, merchant: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.call("GET", "/v1/programs", merchant["api_key"]).get_json()[
        "items"
    ]
    return items


def test_the_nine_stamp_card_is_created_as_the_api_would(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    created = owner_console.submit("/console/programs/new", NINE_STAMPS, "/console/programs/new")
    assert created.status_code == 302
    [program] = _programs(api, merchant)
    assert program["stamps_goal"] == 9
    assert program["is_default"] is True
    assert program["rules"] == [{"kind": "per_sale", "stamps": 1, "min_total": None}]
    assert program["reward"]["code"] == {"mode": "shared", "value": "FREECOFFEE"}
    assert program["reward"]["validity"] == {"kind": "days", "count": 30}
    assert [m["stamps"] for m in program["milestones"]] == [3, 6]
    assert program["milestones"][0]["reward"]["type"] == "award"
    assert program["milestones"][1]["reward"]["redemption"] == "staff"
    editor = owner_console.get(created.headers["Location"]).get_data(as_text=True)
    assert "is saved." in editor
    assert 'value="FREECOFFEE"' in editor


def test_bad_fields_are_marked_beside_them_and_nothing_is_saved(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    bad = {**NINE_STAMPS, "stamps_goal": "0", "reward-code_mode": "", "rules-0-stamps": "x"}
    refused = owner_console.submit("/console/programs/new", bad, "/console/programs/new")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="stamps_goal-error"' in html
    assert 'id="reward-code_mode-error">A voucher redeemed by code needs a code' in html
    assert 'id="rules-0-stamps-error"' in html
    assert 'value="Coffee card"' in html  # what was typed stays
    assert _programs(api, merchant) == []


def test_a_lottery_must_add_up_to_100(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    lottery = {
        **{k: v for k, v in NINE_STAMPS.items() if not k.startswith("reward-")},
        "reward-type": "lottery",
        "reward-name": "Spin the wheel",
        "reward-variants-0-kind": "award",
        "reward-variants-0-probability": "40",
        "reward-variants-0-name": "Cookie",
        "reward-variants-0-reward-description": "A cookie",
        "reward-variants-1-kind": "no_prize",
        "reward-variants-1-probability": "50",
        "reward-variants-1-name": "Next time",
    }
    refused = owner_console.submit("/console/programs/new", lottery, "/console/programs/new")
    assert refused.status_code == 422
    assert "add up to 90.00, not exactly 100.00" in refused.get_data(as_text=True)
    fixed = {**lottery, "reward-variants-1-probability": "60"}
    assert (
        owner_console.submit("/console/programs/new", fixed, "/console/programs/new").status_code
        == 302
    )
    [program] = _programs(api, merchant)
    assert [v["probability"] for v in program["reward"]["variants"]] == ["40.00", "60.00"]


def test_a_stale_editor_is_refused_not_saved_over_a_newer_change(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    owner_console.submit("/console/programs/new", NINE_STAMPS, "/console/programs/new")
    [program] = _programs(api, merchant)
    path = f"/console/programs/{program['id']}"
    owner_console.get(path)
    stale_token_page = owner_console.last_page
    api.call(
        "PATCH", f"/v1/programs/{program['id']}", merchant["api_key"], json={"name": "Renamed"}
    )
    owner_console.last_page = stale_token_page
    version = stale_token_page.split('name="version" value="', 1)[1].split('"', 1)[0]
    refused = owner_console.submit(path, {**NINE_STAMPS, "version": version, "name": "Mine"})
    assert refused.status_code == 409
    assert "changed by someone else" in refused.get_data(as_text=True)
    assert _programs(api, merchant)[0]["name"] == "Renamed"


def test_another_merchants_program_is_not_found(
    owner_console: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    theirs = api.call(
        "POST",
        "/v1/programs",
        other_merchant["api_key"],
        json={"name": "Theirs", "stamps_goal": 5, "reward": {"type": "award", "description": "x"}},
    ).get_json()
    assert owner_console.get(f"/console/programs/{theirs['id']}").status_code == 404
    refused = owner_console.submit(
        f"/console/programs/{theirs['id']}", NINE_STAMPS, "/console/programs/new"
    )
    assert refused.status_code == 404
    assert "Theirs" not in owner_console.get("/console/programs").get_data(as_text=True)


def test_check_before_saving_shows_the_warnings_and_keeps_nothing(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    no_rules = {k: v for k, v in NINE_STAMPS.items() if not k.startswith("rules-")}
    checked = owner_console.submit(
        "/console/programs/new", {**no_rules, "intent": "check"}, "/console/programs/new"
    )
    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert "Nothing is saved yet." in html
    assert "rules: there are none, so sales earn no stamps" in html
    assert _programs(api, merchant) == []
    owner_console.submit("/console/programs/new", NINE_STAMPS, "/console/programs/new")
    [program] = _programs(api, merchant)
    path = f"/console/programs/{program['id']}"
    owner_console.get(path)
    version = owner_console.last_page.split('name="version" value="', 1)[1].split('"', 1)[0]
    fine = owner_console.submit(path, {**NINE_STAMPS, "version": version, "intent": "check"})
    assert "No warnings: ready to save." in fine.get_data(as_text=True)
    renamed = {**NINE_STAMPS, "version": version, "intent": "check", "name": "Renamed"}
    owner_console.submit(path, renamed)
    assert _programs(api, merchant)[0]["name"] == "Coffee card"
