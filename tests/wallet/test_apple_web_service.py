"""The PassKit web service: registrations (201/200/401), serials changed since a tag
(200/204), the latest pass (Last-Modified, 304), the log; with the Wallet events."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.pkpass import download, pass_json
from tests.support.problems import assert_problem
from tests.support.wallet_certs import PASS_TYPE_ID

DEVICE = "device-library-1"
BASE = "/wallet/apple/v1"


def _handed_out(api: Api, merchant: dict[str, Any]) -> tuple[str, str, str]:
    """A card whose pass was downloaded: its number, serial and token."""
    number = new_card(api, merchant)
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    document = pass_json(download(api.client, card["apple_pass_url"]))
    return number, document["serialNumber"], document["authenticationToken"]


def _registration(client: FlaskClient, method: str, serial: str, token: str) -> Any:
    return client.open(
        f"{BASE}/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{serial}",
        method=method,
        json={"pushToken": "push-token-1"},
        headers={"Authorization": f"ApplePass {token}"},
    )


def _event_types(api: Api, merchant: dict[str, Any]) -> list[str]:
    items = api.call("GET", "/v1/events?limit=100", merchant["api_key"]).get_json()["items"]
    return [item["type"] for item in items]


def test_a_device_registers_follows_updates_and_unregisters(
    api: Api, apple_merchant: dict[str, Any]
) -> None:
    client = api.client
    number, serial, token = _handed_out(api, apple_merchant)
    assert_problem(_registration(client, "POST", serial, "x" * 32), 401, "unauthorized")
    assert _registration(client, "POST", serial, token).status_code == 201
    assert _registration(client, "POST", serial, token).status_code == 200
    assert "wallet.pass_installed" in _event_types(api, apple_merchant)
    listed = client.get(f"{BASE}/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")
    assert listed.status_code == 200
    assert listed.get_json()["serialNumbers"] == [serial]
    tag = listed.get_json()["lastUpdated"]
    since = f"{BASE}/devices/{DEVICE}/registrations/{PASS_TYPE_ID}?passesUpdatedSince={tag}"
    assert client.get(since).status_code == 204
    stamp = {"count": 1, "channel": "staff", "location": "main", "staff": "bar-1"}
    api.call("POST", f"/v1/cards/{number}/stamps", apple_merchant["api_key"], json=stamp)
    changed = client.get(since)
    assert changed.status_code == 200
    assert int(changed.get_json()["lastUpdated"]) > int(tag)
    assert _registration(client, "DELETE", serial, token).status_code == 200
    assert "wallet.pass_removed" in _event_types(api, apple_merchant)
    assert client.get(f"{BASE}/devices/{DEVICE}/registrations/{PASS_TYPE_ID}").status_code == 204
    _assert_latest_pass(api, serial, token)


def _assert_latest_pass(api: Api, serial: str, token: str) -> None:
    """The latest pass: 200 with Last-Modified, then 304; wrong tokens and serials 401."""
    path = f"{BASE}/passes/{PASS_TYPE_ID}/{serial}"
    latest = api.client.get(path, headers={"Authorization": f"ApplePass {token}"})
    assert latest.status_code == 200
    assert latest.content_type == "application/vnd.apple.pkpass"
    modified = latest.headers["Last-Modified"]
    headers = {"Authorization": f"ApplePass {token}", "If-Modified-Since": modified}
    assert api.client.get(path, headers=headers).status_code == 304
    wrong = api.client.get(path, headers={"Authorization": "ApplePass " + "y" * 32})
    assert_problem(wrong, 401, "unauthorized")
    unknown = api.client.get(
        f"{BASE}/passes/{PASS_TYPE_ID}/crd_unknown", headers={"Authorization": f"ApplePass {token}"}
    )
    assert_problem(unknown, 401, "unauthorized")
    assert api.client.post(f"{BASE}/log", json={"logs": ["a line"]}).status_code == 200
