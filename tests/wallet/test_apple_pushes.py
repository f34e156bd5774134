"""APNs pushes after a change: one per registered device, after the commit, through the
table-queue, with the merchant's certificate; 410 removes the registration; a Wallet
campaign's text becomes the pass's changed message."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from gateway.campaigns.sending import Sender, drain_campaigns
from gateway.wallet.apple.models import ApplePush, AppleRegistration
from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.console import Console, make_user
from tests.support.fake_apns import FakeApns, running_apns
from tests.support.pkpass import pass_json
from tests.support.wallet_certs import PASS_TYPE_ID, chain

BASE = "/wallet/apple/v1"
STAMP = {"count": 1, "channel": "staff", "location": "main", "staff": "bar-1"}


@pytest.fixture
def apns(tmp_path: Path) -> Iterator[FakeApns]:
    with running_apns(tmp_path) as fake:
        yield fake


def _card_pass(api: Api, key: str) -> tuple[str, dict[str, Any], str]:
    number = new_card(api, {"api_key": key})
    card = api.call("GET", f"/v1/cards/{number}", key).get_json()
    pkpass_path = urlsplit(card["apple_pass_url"]).path
    return number, pass_json(api.client.get(pkpass_path).data), pkpass_path


def _register(api: Api, document: dict[str, Any], device: str, push_token: str) -> None:
    registered = api.client.post(
        f"{BASE}/devices/{device}/registrations/{PASS_TYPE_ID}/{document['serialNumber']}",
        json={"pushToken": push_token},
        headers={"Authorization": f"ApplePass {document['authenticationToken']}"},
    )
    assert registered.status_code == 201


def _settled(app: Flask, count: int) -> list[ApplePush]:
    """The pushes, once ``count`` of them were attempted."""
    deadline = time.monotonic() + 10
    while True:
        with app.extensions["stampgate"].session_factory() as session:
            done = list(session.scalars(select(ApplePush).where(ApplePush.attempts > 0)))
        if len(done) >= count or time.monotonic() > deadline:
            return done
        time.sleep(0.02)


def test_a_stamp_pushes_once_to_each_device_after_commit(
    make_app: Callable[..., Flask], apns: FakeApns
) -> None:
    app = make_app(embedded_dispatcher=True, apns_url=apns.url, apns_ca_file=apns.ca_file)
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    key = api.create_merchant("Push Cafe")["api_key"]
    assert api.call("PUT", "/v1/wallet/apple", key, json=chain().body()).status_code == 200
    number, document, _path = _card_pass(api, key)
    _register(api, document, "phone-1", "token-live")
    _register(api, document, "phone-2", "token-gone")
    _register(api, document, "phone-3", "token-refused")
    _register(api, document, "phone-4", "token-busy")
    apns.gone.add("token-gone")
    apns.refusals["token-refused"] = (403, "BadCertificate")
    apns.refusals["token-busy"] = (503, "ServiceUnavailable")
    # Two stamps reach the 3-stamp milestone: two events in one transaction, one push each.
    assert (
        api.call("POST", f"/v1/cards/{number}/stamps", key, json=STAMP | {"count": 3}).status_code
        == 200
    )
    committed = time.monotonic()
    pushes = apns.wait_for(4)
    tokens = ["token-busy", "token-gone", "token-live", "token-refused"]
    assert sorted(push.path for push in pushes) == [f"/3/device/{token}" for token in tokens]
    assert {push.topic for push in pushes} == {PASS_TYPE_ID}
    assert {push.body for push in pushes} == {b"{}"}
    assert {push.client_subject for push in pushes} == {f"Pass Type ID: {PASS_TYPE_ID}"}
    latency = max(push.at for push in pushes) - committed
    outcomes = {push.push_token: push for push in _settled(app, 4)}
    assert outcomes["token-live"].status == "sent"
    assert (outcomes["token-gone"].status, outcomes["token-gone"].reason) == (
        "gone",
        "Unregistered",
    )
    refused = outcomes["token-refused"]
    assert (refused.status, refused.reason) == ("failed", "BadCertificate")
    busy = outcomes["token-busy"]
    assert (busy.status, busy.reason) == ("pending", "ServiceUnavailable")  # retried later
    assert busy.next_attempt_at > busy.created_at
    with app.extensions["stampgate"].session_factory() as session:
        kept = sorted(session.scalars(select(AppleRegistration.push_token)))
    assert kept == ["token-busy", "token-live", "token-refused"]
    assert len(apns.pushes) == 4  # one per device for the stamp, none more
    merchant_id = api.call("GET", "/v1/merchant", key).get_json()["id"]
    console = Console(app.test_client())
    console.log_in(make_user(app, merchant_id, "owner@push.example").email)
    shown = console.get(f"/console/cards/{number}").get_data(as_text=True)
    assert "3 device(s) keep this card" in shown
    assert "Unregistered" in shown  # the refused push, with APNs' reason
    print(f"pushes per stamp: {len(pushes)} (4 devices); commit to last: {latency * 1000:.0f} ms")


def test_a_wallet_campaign_text_is_the_changed_message_of_the_pass(
    app: Flask, api: Api, apple_merchant: dict[str, Any]
) -> None:
    key = apple_merchant["api_key"]
    number, document, pkpass_path = _card_pass(api, key)
    _register(api, document, "phone-1", "token-1")
    program_id = api.call("GET", f"/v1/cards/{number}", key).get_json()["program_id"]
    campaign = {
        "program_id": program_id,
        "segment": {"kind": "all"},
        "push_text": "Free cake today",
        "channels": ["wallet"],
    }
    assert api.call("POST", "/v1/campaigns", key, json=campaign).status_code == 201
    ext = app.extensions["stampgate"]
    drain_campaigns(Sender(ext.settings, ext.session_factory))
    back = pass_json(api.client.get(pkpass_path).data)["storeCard"]["backFields"]
    (message,) = [field for field in back if field["key"] == "message"]
    assert message["value"] == "Free cake today"
    assert message["changeMessage"] == "%@"
    with ext.session_factory() as session:
        queued = session.scalars(select(ApplePush.push_token)).all()
    assert queued == ["token-1"]
