"""The embedded worker thread: a stamp committed through the API reaches Google Wallet as one
PATCH of the card's object, with nobody draining the queue by hand."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask

from tests.support.fake_google_wallet import FakeGoogleWallet
from tests.support.google_wallet import wallet_world
from tests.support.pos import LOOPBACK


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "Google Wallet was not called in time"
        time.sleep(0.02)


def test_a_committed_stamp_is_patched_at_google_by_the_embedded_worker(
    make_app: Callable[..., Flask], google: FakeGoogleWallet, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the embedded mode's database; rq workers on PostgreSQL: tests/e2e")
    app = make_app(
        embedded_dispatcher=True,
        webhook_allowed_networks=LOOPBACK,
        google_wallet_api_url=google.api_url,
    )
    world = wallet_world(app, google)
    card = world.card()
    _wait_for(lambda: len(google.rest_calls()) == 2)  # the class and the card's object
    world.stamp(card["number"])
    _wait_for(lambda: len(google.rest_calls("PATCH")) == 1)
    (patch,) = google.rest_calls("PATCH")
    assert patch.body is not None
    assert patch.body["loyaltyPoints"]["balance"] == {"int": 1}
    assert len(google.rest_calls()) == 3  # one call for the stamp
