"""Fixtures of the Wallet tests: a fake Google Wallet, and the test app's settings reaching it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from gateway.config import Settings
from gateway.wallet.google.enabled import forget_enabled
from tests.support.fake_google_wallet import FakeGoogleWallet, running_google_wallet
from tests.support.pos import LOOPBACK


@pytest.fixture
def google() -> Iterator[FakeGoogleWallet]:
    """A fake Google Wallet REST API and token endpoint."""
    forget_enabled()
    with running_google_wallet() as fake:
        yield fake


@pytest.fixture
def settings(settings: Settings, google: FakeGoogleWallet) -> Settings:
    """The test app's settings, able to reach the fake (loopback allowed) and calling it."""
    return settings.model_copy(
        update={
            "webhook_allowed_networks": LOOPBACK,
            "google_wallet_api_url": google.api_url,
            "google_wallet_retry_schedule": (0, 0),
        }
    )


@pytest.fixture
def wallet_app(app: Flask) -> Flask:
    """The test app, its settings reaching the fake Google Wallet."""
    return app
