"""Wallet fixtures: a fake Google Wallet the test app's settings reach, and a merchant with Apple
Wallet credentials of the test chain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from gateway.config import Settings
from gateway.wallet.google.enabled import forget_enabled
from tests.support.api import Api
from tests.support.fake_google_wallet import FakeGoogleWallet, running_google_wallet
from tests.support.pos import LOOPBACK
from tests.support.wallet_certs import chain


@pytest.fixture
def apple_merchant(api: Api, merchant: dict[str, Any]) -> dict[str, Any]:
    """The merchant, with the test chain's Pass Type ID certificate saved."""
    saved = api.call("PUT", "/v1/wallet/apple", merchant["api_key"], json=chain().body())
    assert saved.status_code == 200, saved.get_json()
    return merchant


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
