"""Save to Google Wallet links: null until the merchant has credentials, then an RS256 JWT of
the service account (aud google, typ savetowallet) naming the object by id, short enough for a
link; shown on the customer's card and voucher pages."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import jwt
from flask import Flask

from tests.support.api import Api
from tests.support.fake_google_wallet import (
    CLIENT_EMAIL,
    ISSUER_ID,
    KEY_ID,
    FakeGoogleWallet,
    account_key,
)
from tests.support.google_wallet import wallet_world
from tests.support.programs import DESSERT_VOUCHER, nine_stamp_card

SAVE = "https://pay.google.com/gp/v/save/"


def _claims(url: str) -> dict[str, Any]:
    assert url.startswith(SAVE)
    token = url.removeprefix(SAVE)
    assert jwt.get_unverified_header(token)["kid"] == KEY_ID
    claims: dict[str, Any] = jwt.decode(
        token, account_key().public_key(), algorithms=["RS256"], audience="google"
    )
    return claims


def _page(app: Flask, customer_url: str) -> str:
    return app.test_client().get(urlsplit(customer_url).path).get_data(as_text=True)


def test_card_and_voucher_links_are_signed_jwts_naming_their_objects_on_their_pages(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    card = world.card()
    assert len(card["google_save_url"]) < 1800
    claims = _claims(card["google_save_url"])
    assert (claims["iss"], claims["typ"]) == (CLIENT_EMAIL, "savetowallet")
    public = wallet_app.extensions["stampgate"].settings.public_url
    assert claims["origins"] == [public.rstrip("/")]
    assert claims["payload"] == {"loyaltyObjects": [{"id": f"{ISSUER_ID}.{card['id']}"}]}
    body = {"reward": DESSERT_VOUCHER, "card_number": card["number"], "reason": "goodwill"}
    voucher = world.call("POST", "/v1/vouchers", json=body)
    offer = _claims(voucher["google_save_url"])["payload"]
    assert offer == {"offerObjects": [{"id": f"{ISSUER_ID}.{voucher['id']}"}]}
    card_page = _page(wallet_app, card["customer_url"])
    assert f'href="{html.escape(card["google_save_url"])}"' in card_page
    assert "Save to Google Wallet" in card_page
    voucher_page = _page(wallet_app, voucher["customer_url"])
    assert f'href="{html.escape(voucher["google_save_url"])}"' in voucher_page
    # A merchant without Google credentials: no link, no button.
    api = Api(wallet_app.test_client(), wallet_app.extensions["stampgate"].settings.admin_token)
    key = api.create_merchant("No Wallet Cafe")["api_key"]
    program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    card = api.call("POST", "/v1/cards", key, json={"program_id": program["id"]}).get_json()
    assert card["google_save_url"] is None
    assert 'data-testid="google-wallet"' not in _page(wallet_app, card["customer_url"])
