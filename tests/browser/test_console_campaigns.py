"""The campaign form in a real browser: the segment's own field appears with its kind, the push
text's live count of user-perceived characters, the preview's counts, sending, the list."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.console import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_create_a_campaign_with_a_preview_and_see_it_in_the_list(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    program_id = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()[
        "program_id"
    ]
    new_card(api, merchant, program_id)
    make_user(app, merchant["id"], "owner@cafe.example")
    page.goto(f"{live_url}/console/login?next=/console/campaigns/new")
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="New campaign").wait_for()

    page.get_by_label("Name (optional)").fill("Almost there")
    stamps_left = page.get_by_label("Stamps left at most")
    assert not stamps_left.is_visible()
    page.get_by_label("Who gets it").select_option("near_goal")
    assert stamps_left.is_visible()
    assert not page.get_by_label("Days").is_visible()
    stamps_left.fill("9")
    push = page.get_by_label("Push text (Wallet)")
    push.fill("Coffee's waiting ☕")
    page.get_by_text("18 of 20 used").wait_for()
    push.fill("Coffee's waiting ☕ now!")
    page.get_by_text("23 of 20 used: too long").wait_for()
    push.fill("Coffee's waiting ☕")

    page.get_by_role("button", name="Preview").click()
    page.get_by_text("2 cards in this segment now.").wait_for()
    page.get_by_text("wallet: 2 recipients").wait_for()
    assert page.get_by_label("Stamps left at most").input_value() == "9"
    page.get_by_text("18 of 20 used").wait_for()

    page.get_by_role("button", name="Send").click()
    page.get_by_text("“Almost there” is scheduled.").wait_for()
    page.get_by_role("navigation").get_by_role("link", name="Campaigns", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Almost there")
    row.get_by_text("wallet").wait_for()
    assert row.locator("progress").count() == 1
    assert page.console_errors == []
