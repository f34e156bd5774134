"""Settings, Google Wallet block: the owner pastes the service-account JSON; refusals show
beside the field, the page shows the account but never its key; the card page shows how its
Google Wallet updates went."""

from __future__ import annotations

import json

from flask import Flask

from gateway.wallet.google.worker import GoogleWorker, drain_google
from tests.support.api import Api
from tests.support.console import Console, make_user
from tests.support.fake_google_wallet import CLIENT_EMAIL, ISSUER_ID, FakeGoogleWallet
from tests.support.programs import nine_stamp_card

SETTINGS = "/console/settings"


def test_the_owner_sets_up_and_turns_off_google_wallet_in_settings(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    api = Api(wallet_app.test_client(), wallet_app.extensions["stampgate"].settings.admin_token)
    merchant = api.create_merchant("Wallet Cafe")
    make_user(wallet_app, merchant["id"], "owner@wallet.example")
    console = Console(wallet_app.test_client())
    console.log_in("owner@wallet.example")
    assert "Not set up" in console.get(SETTINGS).get_data(as_text=True)
    url = "/console/settings/google-wallet"
    refused = console.submit(
        url, {"issuer_id": ISSUER_ID, "service_account": "{not json"}, SETTINGS
    )
    assert refused.status_code == 422
    assert 'id="google_service_account-error">Paste the whole JSON' in refused.get_data(
        as_text=True
    )
    pasted = json.dumps(google.service_account())
    saved = console.submit(url, {"issuer_id": ISSUER_ID, "service_account": pasted}, SETTINGS)
    assert saved.status_code == 302
    page = console.get(SETTINGS).get_data(as_text=True)
    assert CLIENT_EMAIL in page
    assert ISSUER_ID in page
    assert "PRIVATE KEY" not in page
    assert api.call("GET", "/v1/wallet/google", merchant["api_key"]).status_code == 200
    program = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    body = {"program_id": program.get_json()["id"]}
    card = api.call("POST", "/v1/cards", merchant["api_key"], json=body).get_json()
    google.refusals = 1
    ext = wallet_app.extensions["stampgate"]
    drain_google(GoogleWorker(ext.settings, ext.session_factory))
    card_page = console.get(f"/console/cards/{card['number']}").get_data(as_text=True)
    assert 'id="google-wallet-jobs"' in card_page
    assert "400 INVALID_ARGUMENT" in card_page  # the failed update, with Google's reason
    console.submit("/console/settings/google-wallet/remove", {}, SETTINGS)
    assert api.call("GET", "/v1/wallet/google", merchant["api_key"]).status_code == 404
