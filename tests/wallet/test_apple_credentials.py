"""Apple Wallet credentials: saved checked and sealed, read without the key, refused with a
stable code when the PEMs do not fit together."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.wallet.apple.models import AppleWalletCredentials
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.wallet_certs import PASS_TYPE_ID, chain


def _put(api: Api, merchant: dict[str, Any], **changes: str) -> Any:
    return api.call("PUT", "/v1/wallet/apple", merchant["api_key"], json=chain().body(**changes))


def test_saved_credentials_are_read_back_without_the_key_by_their_merchant_only(
    app: Flask, api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    saved = _put(api, merchant)
    assert saved.status_code == 200, saved.get_json()
    read = api.call("GET", "/v1/wallet/apple", merchant["api_key"]).get_json()
    assert read["pass_type_id"] == PASS_TYPE_ID
    assert read["certificate_subject"] == f"CN=Pass Type ID: {PASS_TYPE_ID}"
    assert read["expires_soon"] is False
    assert read["key_error"] is None
    assert "PRIVATE KEY" not in str(read)
    with app.extensions["stampgate"].session_factory() as session:
        row = session.scalars(select(AppleWalletCredentials)).one()
        assert "PRIVATE KEY" not in row.sealed_key  # sealed at rest
    theirs = api.call("GET", "/v1/wallet/apple", other_merchant["api_key"])
    assert_problem(theirs, 404, "not_found")
    not_theirs = api.call("DELETE", "/v1/wallet/apple", other_merchant["api_key"])
    assert_problem(not_theirs, 404, "not_found")
    assert api.call("DELETE", "/v1/wallet/apple", merchant["api_key"]).status_code == 204
    assert_problem(api.call("GET", "/v1/wallet/apple", merchant["api_key"]), 404, "not_found")


def test_mismatched_expired_and_unreadable_pems_are_refused(
    api: Api, merchant: dict[str, Any]
) -> None:
    assert_problem(_put(api, merchant, key_pem=chain().other_key_pem), 422, "wallet_key_mismatch")
    expired = _put(api, merchant, certificate_pem=chain().expired_certificate_pem)
    assert_problem(expired, 422, "wallet_certificate_expired")
    garbled = _put(api, merchant, wwdr_pem="-----BEGIN CERTIFICATE-----\nnope")
    assert assert_problem(garbled, 422, "wallet_pem_unreadable")["errors"][0]["loc"] == [
        "body",
        "wwdr_pem",
    ]
    missing = api.call("GET", "/v1/wallet/apple", merchant["api_key"])
    assert_problem(missing, 404, "not_found")  # nothing half-written
