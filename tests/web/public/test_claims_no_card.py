"""A browser that holds no card (or a token that is no card) is offered the phone form only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.support.api import Api
from tests.support.claims import make_program, unattributed_sale


def test_without_a_card_only_the_phone_form_is_offered(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    path = urlsplit(unattributed_sale(api, merchant)["claim_url"]).path
    assert "Add to my card" not in client.get(path).get_data(as_text=True)
    with client.session_transaction() as browser:
        browser["card_token"] = "B" * 22
    page = client.get(path).get_data(as_text=True)
    assert "Add to my card" not in page
    assert 'name="phone"' in page
    refused = client.post(f"{path}/card", data={})
    assert refused.status_code == 400  # no form token: nothing is claimed
    assert client.get(path).status_code == 200
