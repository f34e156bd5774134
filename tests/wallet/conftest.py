"""Fixtures of the Wallet tests: a fake Google Wallet and an app whose settings reach it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from gateway.wallet.google.service import forget_enabled
from tests.support.fake_google_wallet import FakeGoogleWallet, running_google_wallet
from tests.support.pos import LOOPBACK


@pytest.fixture
def google() -> Iterator[FakeGoogleWallet]:
    """A fake Google Wallet REST API and token endpoint."""
    forget_enabled()
    with running_google_wallet() as fake:
        yield fake


@pytest.fixture
def wallet_app(make_app: Callable[..., Flask], google: FakeGoogleWallet) -> Flask:
    """An app that may reach the fake (loopback allowed, plain HTTP) and calls it."""
    overrides: dict[str, Any] = {
        "webhook_allowed_networks": LOOPBACK,
        "google_wallet_api_url": google.api_url,
        "google_wallet_retry_schedule": (0, 0),
    }
    return make_app(**overrides)
