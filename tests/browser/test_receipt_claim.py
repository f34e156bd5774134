"""A receipt claim in a real browser: a REST sale without a customer, its claim link opened on
a phone, a phone number given, the stamps shown; the same link again is refused."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.api import Api
from tests.support.claims import make_program, unattributed_sale

pytestmark = pytest.mark.browser


def test_a_receipt_is_claimed_once_with_a_phone_number(
    page: Any, live_url: str, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    sale = unattributed_sale(api, merchant)
    link = f"{live_url}{urlsplit(sale['claim_url']).path}"
    page.goto(link)
    page.get_by_text("This link gives 2 stamps on your Coffee card.").wait_for()
    page.get_by_label("Phone number").fill("050 123 45 67")
    page.get_by_role("button", name="Collect my stamps").click()
    page.get_by_role("status").get_by_text("2 stamps added").wait_for()
    page.get_by_text("ending in 67").wait_for()
    cards = api.call("GET", "/v1/cards?phone=%2B380501234567", merchant["api_key"]).get_json()
    assert [card["stamps"] for card in cards["items"]] == [2]
    refused = page.goto(link)
    assert refused is not None
    assert refused.status == 409
    page.get_by_role("alert").get_by_text("This link has already been used").wait_for()
    assert page.get_by_label("Phone number").count() == 0
    # Chromium logs the refused page's own 409, and the favicon the public pages do not have.
    expected = ("status of 409", "status of 404")
    assert [e for e in page.console_errors if not any(s in e for s in expected)] == []


def test_a_wrong_phone_number_is_said_beside_the_field(
    page: Any, live_url: str, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    sale = unattributed_sale(api, merchant)
    page.goto(f"{live_url}{urlsplit(sale['claim_url']).path}")
    page.get_by_label("Phone number").fill("12")
    page.get_by_role("button", name="Collect my stamps").click()
    page.locator("#phone-error").wait_for()
    assert page.get_by_label("Phone number").get_attribute("aria-invalid") == "true"
