"""The program editor in a real browser: milestones added as rows, a per-item rule picked from
the fake Poster's menu by name, the lottery's live total (also of a milestone's lottery)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from gateway.config import Settings
from tests.support.api import Api
from tests.support.console import PASSWORD, make_user
from tests.support.fake_poster import FakePoster, poster_settings
from tests.support.fake_poster import connection_body as poster_body
from tests.support.pos import connect_program

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings: Settings, poster: FakePoster) -> Settings:
    """The app reaches the fake Poster."""
    return settings.model_copy(update=poster_settings(poster))


def _open_editor(page: Any, live_url: str, app: Flask, merchant: dict[str, Any]) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    page.goto(f"{live_url}/console/login?next=/console/programs/new")
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="New program").wait_for()


def test_create_the_nine_stamp_card_with_milestones_and_a_pasted_code(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any], poster: FakePoster
) -> None:
    connect_program(api, merchant["api_key"], poster_body(poster), name="Poster card")
    _open_editor(page, live_url, app, merchant)
    page.get_by_label("Name", exact=True).fill("Coffee card")
    page.get_by_label("Stamps to the goal").fill("9")
    page.locator("#rules-0-kind").select_option("per_item")
    page.get_by_text("Coffee (2 products)").click()  # the fake Poster's category, by name
    page.get_by_label("Latte", exact=True).check()
    page.locator("#reward-type").select_option("voucher")
    page.locator("#reward-description").fill("A free coffee")
    page.locator("#reward-redemption").select_option("code")
    page.locator("#reward-code_mode").select_option("shared")
    page.get_by_label("The promo code").fill("FREECOFFEE")
    add = page.get_by_role("button", name="+ Add milestone reward")
    add.click()
    page.locator("#milestones-0-stamps").fill("3")
    page.locator("#milestones-0-reward-description").fill("A cookie")
    add.click()
    page.locator("#milestones-1-stamps").fill("6")
    page.locator("#milestones-1-reward-type").select_option("voucher")
    page.locator("#milestones-1-reward-description").fill("Half-price cake")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("“Coffee card” is saved.").wait_for()
    programs = api.call("GET", "/v1/programs", merchant["api_key"]).get_json()["items"]
    [program] = [item for item in programs if item["name"] == "Coffee card"]
    assert program["rules"] == [
        {"kind": "per_item", "stamps": 1, "products": ["12"], "categories": []}
    ]
    assert program["reward"]["code"] == {"mode": "shared", "value": "FREECOFFEE"}
    assert [(m["stamps"], m["reward"]["type"]) for m in program["milestones"]] == [
        (3, "award"),
        (6, "voucher"),
    ]
    assert page.console_errors == []


def test_the_lottery_editor_saves_only_at_exactly_100_percent(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _open_editor(page, live_url, app, merchant)
    page.get_by_label("Name", exact=True).fill("Spin card")
    page.locator("#reward-type").select_option("lottery")
    page.get_by_label("Name of the lottery").fill("Spin the wheel")
    add = page.get_by_role("button", name="+ ADD VARIANT")
    save = page.get_by_role("button", name="Save", exact=True)
    add.click()
    page.locator("#reward-variants-0-kind").select_option("award")
    page.locator("#reward-variants-0-probability").fill("40")
    page.locator("#reward-variants-0-name").fill("Cookie")
    page.locator("#reward-variants-0-reward-description").fill("A cookie")
    add.click()
    page.locator("#reward-variants-1-kind").select_option("no_prize")
    page.locator("#reward-variants-1-probability").fill("50")
    page.locator("#reward-variants-1-name").fill("Next time")
    assert page.get_by_text("Total probability: 90%").is_visible()
    assert save.is_disabled()
    page.locator("#reward-variants-1-probability").fill("60")
    assert save.is_enabled()
    # A milestone's own lottery: its variants are rows of that milestone, and count too.
    page.get_by_role("button", name="+ Add milestone reward").click()
    page.locator("#milestones-0-stamps").fill("3")
    page.locator("#milestones-0-reward-type").select_option("lottery")
    page.locator("#milestones-0-reward-name").fill("Quick spin")
    assert save.is_disabled()
    page.locator("[data-rows='milestones-0-reward-variants'] [data-add-row]").click()
    page.locator("#milestones-0-reward-variants-0-kind").select_option("try_again")
    page.locator("#milestones-0-reward-variants-0-probability").fill("100")
    page.locator("#milestones-0-reward-variants-0-name").fill("Again")
    assert save.is_enabled()
    save.click()
    page.get_by_text("“Spin card” is saved.").wait_for()
    [program] = api.call("GET", "/v1/programs", merchant["api_key"]).get_json()["items"]
    assert [v["kind"] for v in program["reward"]["variants"]] == ["award", "no_prize"]
    milestone = program["milestones"][0]["reward"]
    assert (milestone["type"], milestone["name"]) == ("lottery", "Quick spin")
    assert [v["kind"] for v in milestone["variants"]] == ["try_again"]
