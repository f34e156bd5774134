"""In a real browser at phone width: the card page offers **Add to Apple Wallet**, and the
download it starts is a signed pass of the right content type."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.pkpass import pass_json
from tests.support.wallet_certs import chain
from tests.web.public.conftest import Shop, path_of

pytestmark = pytest.mark.browser


def test_the_card_page_offers_the_apple_pass(
    page: Any, live_url: str, api: Api, merchant: dict[str, Any]
) -> None:
    shop = Shop(api, merchant)
    shop.call("PUT", "/v1/wallet/apple", json=chain().body())
    card = shop.card()
    page.goto(live_url + path_of(card["customer_url"]))
    button = page.get_by_role("link", name="Add to Apple Wallet")
    assert button.get_attribute("href") == path_of(card["apple_pass_url"])
    answer = page.request.get(live_url + path_of(card["apple_pass_url"]))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/vnd.apple.pkpass"
    assert pass_json(answer.body())["serialNumber"] == card["id"]
    assert page.console_errors == []
