"""The dashboard in a real browser at phone width: figures, the SVG chart, no console errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.analytics import busy_day
from tests.support.api import Api
from tests.support.console import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_the_dashboard_at_phone_width(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    busy_day(api, merchant)
    make_user(app, merchant["id"], "owner@cafe.example")
    page.goto(f"{live_url}/console/login")
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Stamps given").first.wait_for()
    page.get_by_label("Period").select_option("7")
    page.get_by_label("Location").select_option("terrace")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/console/?days=7&location=terrace")
    chart = page.get_by_role("img", name="Stamps and redemptions per day over 7 days")
    chart.wait_for()
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.console_errors == []
