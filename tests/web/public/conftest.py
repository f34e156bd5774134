"""Fixtures of the customer pages: a merchant's program, a card on it, and its links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.api import Api
from tests.support.programs import lottery, nine_stamp_card

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SELF_VOUCHER = {
    "type": "voucher",
    "description": "Free cake",
    "redemption": "self",
    "validity": {"kind": "days", "count": 30},
}


def path_of(url: str) -> str:
    """The path of a full link (the test client opens paths)."""
    return urlsplit(url).path


def csrf_token(page: TestResponse) -> str:
    """The CSRF token of a page's form."""
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Shop:
    """A merchant seen through its API, making programs, cards and vouchers for the tests."""

    api: Api
    merchant: dict[str, Any]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API with the merchant's key; answers the JSON body (2xx asserted)."""
        response = self.api.call(method, path, self.merchant["api_key"], **kwargs)
        assert response.status_code < 300, response.get_json()
        return response.get_json()

    def program(self, **changes: Any) -> dict[str, Any]:
        """A new 9-stamp program (milestones at 3 and 6) with the given changes."""
        return dict(self.call("POST", "/v1/programs", json=nine_stamp_card(**changes)))

    def card(self, program: dict[str, Any] | None = None) -> dict[str, Any]:
        """A new card of ``program`` (or of a new 9-stamp program)."""
        program = program or self.program()
        return dict(self.call("POST", "/v1/cards", json={"program_id": program["id"]}))

    def stamp(self, card: dict[str, Any], count: int) -> dict[str, Any]:
        """Add stamps by hand; answers the card with the rewards they gave."""
        path = f"/v1/cards/{card['number']}/stamps"
        return dict(self.call("POST", path, json={"count": count, "channel": "staff"}))

    def voucher(self, card: dict[str, Any], reward: dict[str, Any] | None = None) -> dict[str, Any]:
        """A goodwill voucher on the card (self-redeem unless ``reward`` says otherwise)."""
        body = {"reward": reward or SELF_VOUCHER, "card_number": card["number"]}
        return dict(self.call("POST", "/v1/vouchers", json=body))

    def spin(self, *variants: tuple[str, str]) -> tuple[dict[str, Any], str]:
        """A card of a new lottery program stamped to its goal: (card, pending spin id)."""
        card = self.card(self.program(reward=lottery(*variants), milestones=[]))
        stamped = self.stamp(card, 9)
        return card, str(stamped["rewards"][0]["spin"]["id"])


@pytest.fixture
def shop(api: Api, merchant: dict[str, Any]) -> Shop:
    """The merchant ``Cafe One``."""
    return Shop(api, merchant)


@pytest.fixture
def other_shop(api: Api, other_merchant: dict[str, Any]) -> Shop:
    """Another merchant, ``Cafe Two``."""
    return Shop(api, other_merchant)


@pytest.fixture
def browser(client: FlaskClient) -> FlaskClient:
    """The customer's browser (the app's test client, keeping its cookies)."""
    return client
