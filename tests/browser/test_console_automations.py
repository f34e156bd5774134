"""The automation form in a real browser: the Days field appears only for the kinds that need
it, saving turns the automation on, and the list shows it with Pause."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.console import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_create_an_automation_and_see_it_on(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    new_card(api, merchant)
    make_user(app, merchant["id"], "owner@cafe.example")
    page.goto(f"{live_url}/console/login?next=/console/automations/new")
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="New automation").wait_for()

    page.get_by_label("Name").fill("Almost there")
    days = page.get_by_label("Days")
    assert days.is_visible()  # win-back, the default, needs its days
    page.get_by_label("When a card gets it").select_option("reward_ready")
    assert not days.is_visible()
    page.get_by_label("Push text (Wallet)").fill("One more stamp ☕")
    page.get_by_text("16 of 20 used").wait_for()
    page.get_by_role("button", name="Save and turn on").click()
    page.get_by_text("“Almost there” is on.").wait_for()
    row = page.get_by_role("row").filter(has_text="Almost there")
    row.get_by_text("One stamp from the goal").wait_for()
    assert row.get_by_role("button", name="Pause “Almost there”").count() == 1
    assert page.console_errors == []
