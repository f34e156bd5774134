"""Google Wallet credentials: put, read without the private key, sealed at rest, removed;
the refusals of a wrong shape, an unreadable key and a key sealed under another secret key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.wallet.google.models import GoogleIssuer
from tests.support.api import Api
from tests.support.fake_google_wallet import (
    CLIENT_EMAIL,
    ISSUER_ID,
    KEY_ID,
    FakeGoogleWallet,
    private_pem,
)
from tests.support.problems import assert_problem

PATH = "/v1/wallet/google"


def _api(app: Flask) -> tuple[Api, str]:
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    return api, api.create_merchant("Wallet Cafe")["api_key"]


def test_credentials_are_checked_answered_without_the_key_and_sealed_at_rest(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    api, key = _api(wallet_app)
    assert_problem(api.call("GET", PATH, key), 404, "not_found")
    account: dict[str, Any] = google.service_account()
    not_an_account = {**account, "type": "authorized_user"}
    no_key = {k: v for k, v in account.items() if k != "private_key"}
    garbled = {**account, "private_key": private_pem().replace("M", "x")}
    for bad, code in (
        (not_an_account, "google_service_account_invalid"),
        (no_key, "google_service_account_invalid"),
        (garbled, "google_key_unreadable"),
    ):
        answer = api.call("PUT", PATH, key, json={"issuer_id": ISSUER_ID, "service_account": bad})
        assert_problem(answer, 422, code)
    assert_problem(api.call("GET", PATH, key), 404, "not_found")  # nothing half-written
    internal = {**account, "token_uri": "http://10.0.0.1/token"}
    refused = api.call("PUT", PATH, key, json={"issuer_id": ISSUER_ID, "service_account": internal})
    assert_problem(refused, 422, "url_not_allowed")
    body = {"issuer_id": ISSUER_ID, "service_account": google.service_account()}
    put = api.call("PUT", PATH, key, json=body)
    assert put.status_code == 200, put.get_json()
    shown = api.call("GET", PATH, key).get_json()
    assert {k: shown[k] for k in ("issuer_id", "client_email", "key_id")} == {
        "issuer_id": ISSUER_ID,
        "client_email": CLIENT_EMAIL,
        "key_id": KEY_ID,
    }
    assert "PRIVATE KEY" not in put.get_data(as_text=True) + str(shown)
    with wallet_app.extensions["stampgate"].session_factory() as session:
        stored = session.scalars(select(GoogleIssuer.service_account)).one()
    assert "PRIVATE KEY" not in stored
    assert CLIENT_EMAIL not in stored
    other_key = api.create_merchant("Other Cafe")["api_key"]
    assert_problem(api.call("GET", PATH, other_key), 404, "not_found")  # only its own
    assert_problem(api.call("DELETE", PATH, other_key), 404, "not_found")
    assert api.call("DELETE", PATH, key).status_code == 204
    assert_problem(api.call("GET", PATH, key), 404, "not_found")


def test_a_key_sealed_under_another_secret_key_answers_503_until_put_again(
    wallet_app: Flask, google: FakeGoogleWallet, make_app: Callable[..., Flask]
) -> None:
    api, key = _api(wallet_app)
    body = {"issuer_id": ISSUER_ID, "service_account": google.service_account()}
    assert api.call("PUT", PATH, key, json=body).status_code == 200
    settings = wallet_app.extensions["stampgate"].settings
    rekeyed = make_app(**{**settings.model_dump(), "secret_key": "another-secret"})
    other = Api(rekeyed.test_client(), settings.admin_token)
    answer = assert_problem(other.call("GET", PATH, key), 503, "google_credentials_unreadable")
    assert "STAMPGATE_SECRET_KEY" in answer["detail"]
    assert other.call("PUT", PATH, key, json=body).status_code == 200
    assert other.call("GET", PATH, key).status_code == 200
