"""The scanner in a real browser: a seat signs a phone in with its link, Auto-stamp stamps a
typed number at once and ignores it again within the window, the kiosk shows the stamp in large
type, and a voucher is refused in red once used."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card
from tests.support.scanner import make_seat

pytestmark = pytest.mark.browser


def sign_in(page: Any, live_url: str, link_path: str, seat_name: str) -> None:
    """Open the seat's sign-in link and press its button, as the device's owner would."""
    page.goto(f"{live_url}{link_path}")
    page.get_by_role("button", name=f"Sign in as {seat_name}").click()
    page.wait_for_url(f"{live_url}/scanner/")


def test_auto_stamp_stamps_at_once_and_ignores_the_same_card_within_the_window(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _seat, link = make_seat(app, merchant["id"])
    number = new_card(api, merchant)
    sign_in(page, live_url, link, "Bar Counter")
    assert not page.get_by_role("button", name="Stop camera").is_visible()
    page.get_by_role("switch", name="Auto-stamp: off").click()
    page.get_by_role("heading", name="Auto-stamp is on").wait_for()
    field = page.get_by_label("Card number")
    field.focus()
    page.keyboard.type(number)  # as an external barcode scanner types: the number, then Enter
    page.keyboard.press("Enter")
    outcome = page.locator("#outcome.stamped")
    outcome.get_by_text("Stamp added: 1 of 9.").wait_for()
    assert page.evaluate("document.body.dataset.beeps") == "1"
    assert field.input_value() == ""
    assert page.evaluate("document.activeElement.id") == "number"  # ready for the next card
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.locator("#outcome.repeated").get_by_text("Already stamped").wait_for()
    assert page.evaluate("document.body.dataset.beeps") == "2"
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    assert card["stamps"] == 1
    assert page.console_errors == []


def test_the_kiosk_shows_the_customer_their_stamp_in_large_type(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _seat, link = make_seat(app, merchant["id"], name="Kiosk Tablet", mode="kiosk")
    number = new_card(api, merchant)
    sign_in(page, live_url, link, "Kiosk Tablet")
    page.get_by_role("heading", name="Scan your card to collect your stamp").wait_for()
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.get_by_label("Your card number").fill(number)
    page.keyboard.press("Enter")
    shown = page.locator("#outcome.stamped")
    shown.get_by_text("Stamp added: 1 of 9.").wait_for()
    size = shown.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
    assert size >= 40
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the kiosk scrolls sideways at phone width"


def test_a_used_voucher_is_refused_in_red_with_when_and_where(
    page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _seat, link = make_seat(app, merchant["id"])
    voucher = give(api, merchant, code_voucher(UNIQUE, redemption="staff"), new_card(api, merchant))
    sign_in(page, live_url, link, "Bar Counter")
    page.get_by_label("Card number or voucher code").fill(voucher["code"])
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Redeem", exact=True).click()
    page.get_by_text("Redeemed. Give the customer the reward.").wait_for()
    page.get_by_role("link", name="Next customer").click()
    page.get_by_label("Card number or voucher code").fill(voucher["code"])
    page.keyboard.press("Enter")
    refused = page.locator("#voucher.refused")
    refused.get_by_text("Refused").wait_for()
    assert "bar · Bar Counter · staff" in refused.inner_text()
    colour = refused.evaluate("element => getComputedStyle(element).borderTopColor")
    assert colour == "rgb(179, 38, 30)"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the voucher scrolls sideways at phone width"
    assert page.console_errors == []
    button = page.get_by_role("link", name="Next customer").bounding_box()
    assert button["height"] >= 44
