"""Logging in to the console in a real browser: the form, mistakes, CSRF and phone width."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.codes import give, new_card
from tests.support.console import PASSWORD, make_user
from tests.support.programs import FREE_PIZZA

pytestmark = pytest.mark.browser


def _log_in(page: Any, live_url: str, email: str, password: str) -> None:
    page.goto(f"{live_url}/console/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_log_in_and_out(page: Any, live_url: str, app: Flask, merchant: dict[str, Any]) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    _log_in(page, live_url, "owner@cafe.example", PASSWORD)
    page.get_by_role("heading", name="Cafe One").wait_for()
    assert page.url == f"{live_url}/console/"
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You are logged out.").wait_for()
    page.goto(f"{live_url}/console/settings")
    assert page.url.startswith(f"{live_url}/console/login?next=/console/settings")
    assert page.console_errors == []


def test_a_wrong_password_is_said_and_the_email_kept(
    page: Any, live_url: str, app: Flask, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    _log_in(page, live_url, "owner@cafe.example", "not the password")
    page.get_by_role("alert").get_by_text("The email or password is wrong.").wait_for()
    assert page.get_by_label("Email").input_value() == "owner@cafe.example"
    assert page.get_by_label("Password").input_value() == ""


def test_a_form_without_its_csrf_token_is_refused(
    page: Any, live_url: str, app: Flask, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    page.goto(f"{live_url}/console/login")
    page.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("This form has expired").wait_for()
    page.goto(f"{live_url}/console/")
    assert page.url.startswith(f"{live_url}/console/login")


def test_the_login_works_with_the_keyboard_at_phone_width(
    page: Any, live_url: str, app: Flask, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    page.goto(f"{live_url}/console/login")
    page.get_by_label("Email").focus()
    page.keyboard.type("owner@cafe.example")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Log in"
    page.keyboard.press("Enter")
    page.get_by_role("navigation", name="Main").wait_for()
    page.wait_for_load_state("load")  # the stylesheets too: unstyled, any page is wide
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the dashboard scrolls sideways at phone width"
    button = page.get_by_role("button", name="Log out").bounding_box()
    assert button["height"] >= 44  # a thumb-sized target


def test_another_merchants_voucher_url_answers_404(
    page: Any,
    live_url: str,
    app: Flask,
    api: Api,
    merchant: dict[str, Any],
    other_merchant: dict[str, Any],
) -> None:
    theirs = give(api, other_merchant, FREE_PIZZA, new_card(api, other_merchant))
    make_user(app, merchant["id"], "owner@cafe.example")
    _log_in(page, live_url, "owner@cafe.example", PASSWORD)
    page.get_by_role("navigation", name="Main").wait_for()
    answered = page.goto(f"{live_url}/console/vouchers/{theirs['id']}")
    assert answered.status == 404
    assert page.get_by_role("alert").is_visible()
    assert "FREEPIZZA9" not in page.content()
