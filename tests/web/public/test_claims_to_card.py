"""The claim page's "Add to my card": the card this browser opened gets the stamps, its progress
is shown, and a lottery spin the claim earns is played on the lottery page at once."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from gateway.loyalty.cards.models import Card
from tests.support.api import Api
from tests.support.claims import make_program, unattributed_sale
from tests.support.programs import lottery

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _hold_card(
    app: Flask, client: FlaskClient, api: Api, merchant: dict[str, Any], program_id: str
) -> str:
    """A card of the program whose page this browser opened; its page token."""
    created = api.call("POST", "/v1/cards", merchant["api_key"], json={"program_id": program_id})
    with app.extensions["stampgate"].session_factory() as session:
        card = session.get_one(Card, created.get_json()["id"])
        token: str = card.customer_token
    with client.session_transaction() as browser:
        browser["card_token"] = token
    return token


def _add_to_card(client: FlaskClient, path: str) -> Any:
    page = client.get(path).get_data(as_text=True)
    assert "Add to my card" in page
    token = _CSRF.search(page)
    assert token is not None
    return client.post(f"{path}/card", data={"csrf_token": token.group(1)})


def test_the_stamps_go_to_the_card_open_in_this_browser(
    app: Flask, client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    program = make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    card_token = _hold_card(app, client, api, merchant, program["id"])
    path = urlsplit(unattributed_sale(api, merchant)["claim_url"]).path
    done = _add_to_card(client, path)
    page = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Your card now has 2 of 9 stamps." in page
    assert f'href="/c/{card_token}"' in page
    assert client.get(path).status_code == 409


def test_a_claim_that_completes_a_lottery_card_opens_its_spin(
    app: Flask, client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    reward = lottery(("award", "100.00"))
    program = make_program(api, merchant, stamps_goal=1, milestones=[], reward=reward)
    card_token = _hold_card(app, client, api, merchant, program["id"])
    path = urlsplit(unattributed_sale(api, merchant)["claim_url"]).path
    done = _add_to_card(client, path)
    assert done.status_code == 303
    assert re.fullmatch(rf"/c/{card_token}/spins/spn_\w+", done.headers["Location"])


def test_a_card_of_another_program_is_not_offered(
    app: Flask, client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    program = make_program(api, merchant)
    other = make_program(api, merchant, name="Tea card")
    _hold_card(app, client, api, merchant, other["id"])
    path = urlsplit(unattributed_sale(api, merchant, program_id=program["id"])["claim_url"]).path
    assert "Add to my card" not in client.get(path).get_data(as_text=True)
