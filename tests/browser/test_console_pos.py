"""The POS page in a real browser: promotion codes mapped and a stale one flagged, the locations
table's rows (Poster's spots by name, a typed one), and a failed inbound event retried."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from connectors.inbox.processing import Processor, drain_inbox
from gateway.config import Settings
from tests.support.api import Api
from tests.support.console import PASSWORD, make_user
from tests.support.fake_poster import FakePoster, connection_body, poster_hook, poster_settings
from tests.support.pos import connect_program

pytestmark = pytest.mark.browser
LATTE = {"product_id": "12", "num": "1", "payed_sum": "8000"}


@pytest.fixture
def settings(settings: Settings, poster: FakePoster) -> Settings:
    """The app reaches the fake Poster."""
    return settings.model_copy(update=poster_settings(poster))


@pytest.fixture
def connection(app: Flask, api: Api, merchant: dict[str, Any], poster: FakePoster) -> Any:
    """The merchant's owner and its Poster connection, with two promotions in Poster."""
    poster.promotions = [
        {"promotion_id": "5", "name": "Free pizza"},
        {"promotion_id": "6", "name": "Happy hour"},
    ]
    make_user(app, merchant["id"], "owner@cafe.example")
    return connect_program(api, merchant["api_key"], connection_body(poster))[1]


def log_in(page: Any, live_url: str) -> None:
    page.goto(f"{live_url}/console/login?next=/console/pos")
    page.get_by_label("Email").fill("owner@cafe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="POS", exact=True).wait_for()


def test_a_promotion_is_mapped_to_a_code_and_then_flagged_stale(
    page: Any, live_url: str, connection: Any, poster: FakePoster
) -> None:
    log_in(page, live_url)
    page.get_by_role("link", name="Open the Poster connection mycafe").click()
    page.get_by_label("Redeem code for Free pizza").fill("FREEPIZZA9")
    page.get_by_role("button", name="Save codes").click()
    page.get_by_text("The promotion codes are saved.").wait_for()
    assert page.get_by_label("Redeem code for Free pizza").input_value() == "FREEPIZZA9"

    # Poster's spots are rows by name; an id Poster does not list goes in a typed row.
    page.get_by_label("Location name for Podil").fill("Main hall")
    page.get_by_role("button", name="Add a row").click()  # the table's script adds a row
    page.get_by_label("POS id, row 4").fill("7")
    page.get_by_label("Location name, row 4").fill("Kiosk")
    page.get_by_role("button", name="Save locations").click()
    page.get_by_text("The locations map is saved.").wait_for()
    assert page.get_by_label("Location name for Podil").input_value() == "Main hall"
    assert page.get_by_label("Location name, row 3").input_value() == "Kiosk"
    places = page.get_by_role("alert").filter(has_text="Places mapped that Poster no longer has")
    assert "#7" in places.inner_text()

    poster.promotions = [{"promotion_id": "6", "name": "Happy hour"}]  # deleted in Poster
    page.reload()
    stale = page.get_by_role("alert").filter(has_text="Codes mapped to promotions")
    stale.get_by_text("Stale: no longer in Poster").wait_for()
    assert "FREEPIZZA9" in stale.inner_text()
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the connection page scrolls sideways at phone width"
    assert page.console_errors == []


def test_a_failed_inbound_event_is_retried(
    page: Any, live_url: str, app: Flask, connection: Any, poster: FakePoster
) -> None:
    ext = app.extensions["stampgate"]
    processor = Processor(ext.settings, ext.session_factory, ext.connectors)
    poster.outages = 10_000
    assert app.test_client().post("/hooks/poster", json=poster_hook(503)).status_code == 200
    for _ in range(4):  # the first try and its three retries
        drain_inbox(processor)

    log_in(page, live_url)
    page.get_by_role("link", name="Inbound events").click()
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("HTTP 503", exact=False).first.wait_for()
    poster.outages = 0
    poster.add_sale("503", [LATTE])
    page.get_by_role("button", name="Retry the event transaction.changed 503").click()
    page.get_by_text("The event is queued again").wait_for()
    drain_inbox(processor)
    page.reload()
    page.get_by_text("No failed events.").wait_for()
    page.get_by_label("Status").select_option("processed")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("cell", name="Processed").wait_for()
    assert page.console_errors == []
