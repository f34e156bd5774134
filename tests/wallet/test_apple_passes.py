"""Apple passes: a card's store card and a voucher's pass, signed with the merchant's
certificate (openssl verifies them against the test root), served from the customer pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from gateway.wallet.apple.tokens import pass_token
from tests.support.api import Api
from tests.support.codes import give, new_card
from tests.support.pkpass import assert_signed, pass_json
from tests.support.problems import assert_problem
from tests.support.programs import DESSERT_VOUCHER
from tests.support.wallet_certs import PASS_TYPE_ID, TEAM_ID

PKPASS = "application/vnd.apple.pkpass"


def _card(api: Api, merchant: dict[str, Any]) -> dict[str, Any]:
    number = new_card(api, merchant)
    card: dict[str, Any] = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    return card


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_card_pass_is_signed_and_shows_the_stamps(
    api: Api, apple_merchant: dict[str, Any], tmp_path: Path
) -> None:
    card = _card(api, apple_merchant)
    stamped = api.call(
        "POST",
        f"/v1/cards/{card['number']}/stamps",
        apple_merchant["api_key"],
        json={"count": 2, "channel": "staff", "location": "main", "staff": "bar-1"},
    )
    assert stamped.status_code == 200, stamped.get_json()
    assert card["apple_pass_url"] == f"{card['customer_url']}/pass.pkpass"
    page = api.client.get(_path(card["customer_url"])).get_data(as_text=True)
    assert "Add to Apple Wallet" in page
    response = api.client.get(_path(card["apple_pass_url"]))
    assert response.status_code == 200
    assert response.content_type == PKPASS
    assert response.last_modified is not None
    assert_signed(response.data, tmp_path)
    document = pass_json(response.data)
    assert document["passTypeIdentifier"] == PASS_TYPE_ID
    assert document["teamIdentifier"] == TEAM_ID
    assert document["serialNumber"] == card["id"]
    assert document["barcodes"][0] == {
        "format": "PKBarcodeFormatQR",
        "message": card["number"],
        "messageEncoding": "iso-8859-1",
        "altText": card["number"],
    }
    (stamps,) = document["storeCard"]["primaryFields"]
    assert stamps["value"] == "2 / 9"
    assert "%@" in stamps["changeMessage"]
    assert document["storeCard"]["secondaryFields"][0]["value"].startswith("1 more stamp to ")
    back = {field["key"]: field["value"] for field in document["storeCard"]["backFields"]}
    assert back["page"] == card["customer_url"]
    assert document["webServiceURL"].endswith("/wallet/apple")
    token = document["authenticationToken"]
    assert len(token) >= 16
    assert card["id"] not in token
    assert card["number"] not in token
    again = pass_json(api.client.get(_path(card["apple_pass_url"])).data)
    assert again["authenticationToken"] == token  # never changes between versions


def test_a_voucher_pass_is_voided_once_redeemed_and_no_credentials_offer_no_pass(
    api: Api, apple_merchant: dict[str, Any], other_merchant: dict[str, Any], tmp_path: Path
) -> None:
    voucher = give(api, apple_merchant, DESSERT_VOUCHER, new_card(api, apple_merchant))
    pkpass = api.client.get(_path(voucher["apple_pass_url"]))
    assert pkpass.content_type == PKPASS
    assert_signed(pkpass.data, tmp_path)
    document = pass_json(pkpass.data)
    assert document["serialNumber"] == voucher["id"]
    assert document["expirationDate"] == voucher["valid_until"]
    assert "voided" not in document
    redeemed = api.call(
        "POST", f"/v1/vouchers/{voucher['id']}/redeem", apple_merchant["api_key"], json={}
    )
    assert redeemed.status_code == 200, redeemed.get_json()
    assert pass_json(api.client.get(_path(voucher["apple_pass_url"])).data)["voided"] is True
    _assert_no_pass_without_credentials(api, other_merchant)


def _assert_no_pass_without_credentials(api: Api, merchant: dict[str, Any]) -> None:
    card = _card(api, merchant)
    assert card["apple_pass_url"] is None
    assert "Add to Apple Wallet" not in api.client.get(_path(card["customer_url"])).get_data(
        as_text=True
    )
    assert api.client.get(_path(card["customer_url"]) + "/pass.pkpass").status_code == 404


def test_a_key_that_cannot_be_opened_serves_no_pass_and_is_recorded(
    api: Api, apple_merchant: dict[str, Any], make_app: Callable[..., Flask]
) -> None:
    card = _card(api, apple_merchant)
    assert api.client.get(_path(card["apple_pass_url"])).status_code == 200  # handed out
    rekeyed = Api(make_app(secret_key="another-secret").test_client(), api.admin_token)
    refused = rekeyed.client.get(_path(card["apple_pass_url"]))
    assert refused.status_code == 503
    assert refused.content_type != PKPASS
    credentials = rekeyed.call("GET", "/v1/wallet/apple", apple_merchant["api_key"]).get_json()
    assert "STAMPGATE_SECRET_KEY" in credentials["key_error"]
    token = pass_token("another-secret", card["id"])
    web_service = rekeyed.client.get(
        f"/wallet/apple/v1/passes/{PASS_TYPE_ID}/{card['id']}",
        headers={"Authorization": f"ApplePass {token}"},
    )
    assert_problem(web_service, 503, "wallet_key_unreadable")
