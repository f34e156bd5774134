"""The webhook portal in a real browser: a failing endpoint's delivery, its attempts, Retry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from gateway.config import Settings
from tests.conftest import ADMIN_TOKEN
from tests.support.api import Api
from tests.support.console import PASSWORD, make_user
from tests.support.receiver import Receiver, running_receiver
from tests.support.webhooks import LOOPBACK, add_endpoint, deliver_all

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app may deliver to the loopback receiver over plain http."""
    return settings.model_copy(
        update={"webhook_allowed_networks": LOOPBACK, "webhook_require_https": False}
    )


@pytest.fixture
def failing_receiver() -> Iterator[Receiver]:
    with running_receiver((500, {"X-Why": "maintenance"})) as server:
        server.answer_body = b"down for maintenance"
        yield server


def test_a_failing_endpoints_delivery_shows_its_attempts_and_is_retried(
    page: Any, live_url: str, app: Flask, merchant: dict[str, Any], failing_receiver: Receiver
) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    api = Api(app.test_client(), ADMIN_TOKEN)
    add_endpoint(api, merchant, failing_receiver.url, description="Back office")
    page.goto(f"{live_url}/console/webhooks")  # the login first, then back here
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Webhooks").wait_for()
    page.get_by_role("link", name=failing_receiver.url).click()
    page.get_by_role("button", name="Send a test event to this endpoint").click()
    page.get_by_text("A test event is on its way").wait_for()
    deliver_all(app)
    failing_receiver.wait_for(1)
    page.reload()
    attempt = page.get_by_role("heading", name="Attempt 1: HTTP 500")
    attempt.wait_for()
    section = page.locator("section.attempt").first
    assert "down for maintenance" in section.inner_text()
    assert "maintenance" in section.get_by_text("X-Why").locator("xpath=..").inner_text()
    section.get_by_text("Request sent").click()
    section.get_by_text("webhook-signature").wait_for()
    assert page.locator("#delivery-status").inner_text() == "retrying"
    failing_receiver.answers.append((200, {}))
    page.get_by_role("button", name="Retry this delivery now").click()
    page.get_by_text("The delivery will be attempted again now.").wait_for()
    deliver_all(app)
    page.reload()
    page.get_by_role("heading", name="Attempt 2: HTTP 200").wait_for()
    assert page.locator("#delivery-status").inner_text() == "succeeded"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the delivery page scrolls sideways at phone width"
    page.get_by_role("link", name=failing_receiver.url).click()
    page.get_by_text("Healthy").first.wait_for()
    page.goto(f"{live_url}/console/webhooks/new")
    page.get_by_text("JSON schema of its data").first.click()
    page.get_by_text('"card_number"').first.wait_for()
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the endpoint form scrolls sideways at phone width"
    assert page.console_errors == []
