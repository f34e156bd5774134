"""Wallet fixtures: a merchant with Apple Wallet credentials of the test chain."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.wallet_certs import chain


@pytest.fixture
def apple_merchant(api: Api, merchant: dict[str, Any]) -> dict[str, Any]:
    """The merchant, with the test chain's Pass Type ID certificate saved."""
    saved = api.call("PUT", "/v1/wallet/apple", merchant["api_key"], json=chain().body())
    assert saved.status_code == 200, saved.get_json()
    return merchant
