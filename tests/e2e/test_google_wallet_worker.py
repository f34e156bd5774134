"""Google Wallet on real ``stampgate worker`` processes (rq, Redis, PostgreSQL): a stamp made
through the web process, and a Wallet campaign sent by the workers themselves, reach a fake
Google Wallet as a PATCH of the card's object and an addMessage that notifies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from gateway import create_app
from gateway.config import Settings
from tests.e2e.conftest import Workers
from tests.e2e.test_worker import wait_until
from tests.support.fake_google_wallet import FakeGoogleWallet, running_google_wallet
from tests.support.google_wallet import wallet_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogleWallet]:
    """The fake, and the worker processes' setting that points at it."""
    with running_google_wallet() as fake:
        monkeypatch.setenv("STAMPGATE_GOOGLE_WALLET_API_URL", fake.api_url)
        yield fake


@pytest.fixture
def wallet_app(settings: Settings, google: FakeGoogleWallet) -> Iterator[Flask]:
    """The web process: it queues jobs and wakes the workers through Redis."""
    application = create_app(settings.model_copy(update={"google_wallet_api_url": google.api_url}))
    yield application
    application.extensions["stampgate"].close()


def test_workers_patch_a_stamped_card_and_add_a_campaigns_message(
    wallet_app: Flask, google: FakeGoogleWallet, workers: Workers
) -> None:
    world = wallet_world(wallet_app, google)
    workers.start(processes=1)
    card = world.card()
    wait_until(lambda: len(google.rest_calls("POST", "loyaltyObject")) == 1, 60, "the object")
    world.stamp(card["number"])
    wait_until(lambda: len(google.rest_calls("PATCH", "loyaltyObject")) == 1, 30, "the patch")
    body = {
        "program_id": world.program_id,
        "segment": {"kind": "all"},
        "push_text": "Coffee time",
        "channels": ["wallet"],
    }
    world.call("POST", "/v1/campaigns", json=body)  # sent, and its event recorded, by a worker
    wait_until(
        lambda: any(call.path.endswith("/addMessage") for call in google.rest_calls("POST")),
        30,
        "the campaign's message",
    )
    added = [call for call in google.rest_calls("POST") if call.path.endswith("/addMessage")]
    assert added[0].body is not None
    assert added[0].body["message"]["messageType"] == "TEXT_AND_NOTIFY"
    assert added[0].body["message"]["header"] == "Coffee time"
    workers.kill()  # nothing is in hand: no need to wait for a warm shutdown
