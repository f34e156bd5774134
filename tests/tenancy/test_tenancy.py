"""Merchants, API keys, and tenant isolation on every merchant route."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from gateway.config import Settings
from gateway.models import ApiKey
from gateway.tenancy.keys import hash_key
from gateway.wallet.google.schemas import GoogleCredentialsIn
from gateway.wallet.google.service import put_credentials
from tests.support.api import Api, bearer
from tests.support.fake_google_wallet import ISSUER_ID, service_account
from tests.support.fake_poster import (
    APP_SECRET,
    FakePoster,
    poster_hook,
    poster_settings,
    token_for,
)
from tests.support.problems import assert_problem
from tests.support.programs import lottery, nine_stamp_card
from tests.support.sales import sale_body


@pytest.fixture
def settings(settings: Settings, poster: FakePoster) -> Settings:
    return settings.model_copy(update=poster_settings(poster))


def test_create_merchant_returns_its_first_key(api: Api) -> None:
    created = api.create_merchant("Cafe", currency="UAH", timezone="Europe/Kyiv")
    assert created["id"].startswith("mer_")
    assert created["currency"] == "UAH"
    assert created["api_key"].startswith("sgk_")
    assert created["created_at"].endswith("Z")
    me = api.call("GET", "/v1/merchant", created["api_key"]).get_json()
    assert me["id"] == created["id"]
    assert "api_key" not in me


def test_admin_reads_a_merchant(client: FlaskClient, merchant: dict[str, Any]) -> None:
    response = client.get(
        f"/admin/v1/merchants/{merchant['id']}", headers=bearer("test-admin-token")
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "Cafe One"
    missing = client.get("/admin/v1/merchants/mer_nope", headers=bearer("test-admin-token"))
    assert_problem(missing, 404, "not_found")


def test_keys_are_stored_only_as_hashes(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    plaintext = merchant["api_key"]
    with app.extensions["stampgate"].session_factory() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.merchant_id == merchant["id"])).one()
        columns = [getattr(stored, column.key) for column in ApiKey.__table__.columns]
    assert stored.key_hash == hash_key(plaintext)
    assert all(plaintext not in str(value) for value in columns)


def test_new_key_works_and_is_shown_once(api: Api, merchant: dict[str, Any]) -> None:
    created = api.call("POST", "/v1/api-keys", merchant["api_key"], json={"label": "till 2"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["id"].startswith("key_")
    assert api.call("GET", "/v1/merchant", body["api_key"]).status_code == 200
    listed = api.call("GET", "/v1/api-keys", merchant["api_key"]).get_json()
    assert {item["label"] for item in listed["items"]} == {"initial", "till 2"}
    assert all("api_key" not in item and "key_hash" not in item for item in listed["items"])


def test_revoked_key_is_refused_at_once(api: Api, merchant: dict[str, Any]) -> None:
    second = api.call("POST", "/v1/api-keys", merchant["api_key"], json={}).get_json()
    revoked = api.call("DELETE", f"/v1/api-keys/{second['id']}", merchant["api_key"])
    assert revoked.status_code == 200
    assert revoked.get_json()["revoked_at"] is not None
    assert_problem(api.call("GET", "/v1/merchant", second["api_key"]), 401, "unauthorized")
    again = api.call("DELETE", f"/v1/api-keys/{second['id']}", merchant["api_key"])
    assert again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]


def test_a_key_that_differs_in_its_secret_is_refused(api: Api, merchant: dict[str, Any]) -> None:
    plaintext = merchant["api_key"]
    forged = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert_problem(api.call("GET", "/v1/merchant", forged), 401, "unauthorized")


def test_key_list_paginates_newest_first(api: Api, merchant: dict[str, Any]) -> None:
    key = merchant["api_key"]
    made = [
        api.call("POST", "/v1/api-keys", key, json={"label": f"k{n}"}).get_json()["id"]
        for n in range(4)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.call("GET", "/v1/api-keys", key, query_string=query).get_json()
        assert len(page["items"]) <= 2
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen[:4] == list(reversed(made))
    assert len(seen) == 5 == len(set(seen))


def test_list_limit_is_bounded(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call("GET", "/v1/api-keys", merchant["api_key"], query_string={"limit": 501})
    assert_problem(response, 422, "validation_error")


def test_another_merchants_key_cannot_be_revoked(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    theirs = api.call("GET", "/v1/api-keys", other_merchant["api_key"]).get_json()["items"][0]["id"]
    response = api.call("DELETE", f"/v1/api-keys/{theirs}", merchant["api_key"])
    assert_problem(response, 404, "not_found")
    assert api.call("GET", "/v1/merchant", other_merchant["api_key"]).status_code == 200


def test_lists_show_only_the_callers_objects(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    mine = api.call("GET", "/v1/api-keys", merchant["api_key"]).get_json()["items"]
    theirs = api.call("GET", "/v1/api-keys", other_merchant["api_key"]).get_json()["items"]
    assert {item["id"] for item in mine}.isdisjoint({item["id"] for item in theirs})
    assert api.call("GET", "/v1/merchant", merchant["api_key"]).get_json()["id"] == merchant["id"]


def _first_key_of(api: Api, owner: dict[str, Any]) -> str:
    item: str = api.call("GET", "/v1/api-keys", owner["api_key"]).get_json()["items"][0]["id"]
    return item


def _first_program_of(api: Api, owner: dict[str, Any]) -> str:
    created = api.call("POST", "/v1/programs", owner["api_key"], json=nine_stamp_card())
    program_id: str = created.get_json()["id"]
    return program_id


def _first_card_of(api: Api, owner: dict[str, Any]) -> str:
    program_id = _first_program_of(api, owner)
    created = api.call("POST", "/v1/cards", owner["api_key"], json={"program_id": program_id})
    number: str = created.get_json()["number"]
    return number


def _pending_spin_of(api: Api, owner: dict[str, Any]) -> str:
    body = nine_stamp_card(reward=lottery(("award", "100")), milestones=[])
    program_id = api.call("POST", "/v1/programs", owner["api_key"], json=body).get_json()["id"]
    card = api.call("POST", "/v1/cards", owner["api_key"], json={"program_id": program_id})
    number = card.get_json()["number"]
    stamps = {"count": 9, "channel": "api"}
    stamped = api.call("POST", f"/v1/cards/{number}/stamps", owner["api_key"], json=stamps)
    spin_id: str = stamped.get_json()["rewards"][0]["spin"]["id"]
    return spin_id


def _first_voucher_of(api: Api, owner: dict[str, Any]) -> str:
    reward = {"type": "voucher", "description": "Cake", "redemption": "staff"}
    created = api.call("POST", "/v1/vouchers", owner["api_key"], json={"reward": reward})
    voucher_id: str = created.get_json()["id"]
    return voucher_id


def _first_sale_of(api: Api, owner: dict[str, Any]) -> str:
    program_id = _first_program_of(api, owner)
    sale = sale_body(f"T-{uuid.uuid4().hex}", program_id=program_id)
    sale_id: str = api.call("POST", "/v1/sales", owner["api_key"], json=sale).get_json()["id"]
    return sale_id


def _sale_location_of(api: Api, owner: dict[str, Any]) -> str:
    # The analytics name the locations where stamps were given.
    location = f"spot-{uuid.uuid4().hex[:12]}"
    program_id = _first_program_of(api, owner)
    sale = sale_body(f"T-{uuid.uuid4().hex}", program_id=program_id, location=location)
    assert api.call("POST", "/v1/sales", owner["api_key"], json=sale).status_code == 201
    return location


def _first_endpoint_of(api: Api, owner: dict[str, Any]) -> str:
    # A public literal address passes the SSRF guard without DNS; nothing is delivered here.
    body = {"url": "https://1.1.1.1/hooks"}
    endpoint_id: str = api.call(
        "POST", "/v1/webhook-endpoints", owner["api_key"], json=body
    ).get_json()["id"]
    return endpoint_id


def _first_delivery_of(api: Api, owner: dict[str, Any]) -> str:
    endpoint_id = _first_endpoint_of(api, owner)
    accepted = api.call("POST", f"/v1/webhook-endpoints/{endpoint_id}/test", owner["api_key"])
    delivery_id: str = accepted.get_json()["delivery_ids"][0]
    return delivery_id


def _first_event_of(api: Api, owner: dict[str, Any]) -> str:
    endpoint_id = _first_endpoint_of(api, owner)
    accepted = api.call("POST", f"/v1/webhook-endpoints/{endpoint_id}/test", owner["api_key"])
    event_id: str = accepted.get_json()["event_id"]
    return event_id


def _campaign_of(api: Api, owner: dict[str, Any]) -> str:
    program_id = _first_program_of(api, owner)
    api.call("POST", "/v1/cards", owner["api_key"], json={"program_id": program_id})
    body = {
        "program_id": program_id,
        "segment": {"kind": "all"},
        "push_text": "Hello",
        "channels": ["wallet"],
        "send_at": "2099-01-01T00:00:00Z",
    }
    created = api.call("POST", "/v1/campaigns", owner["api_key"], json=body)
    assert created.status_code == 201, created.get_json()
    campaign_id: str = created.get_json()["id"]
    return campaign_id


def _automation_of(api: Api, owner: dict[str, Any]) -> str:
    body = {
        "program_id": _first_program_of(api, owner),
        "name": "Birthday",
        "trigger": {"kind": "birthday"},
        "push_text": "Happy birthday",
        "channels": ["wallet"],
    }
    created = api.call("POST", "/v1/automations", owner["api_key"], json=body)
    assert created.status_code == 201, created.get_json()
    automation_id: str = created.get_json()["id"]
    return automation_id


def _first_connection_of(api: Api, owner: dict[str, Any]) -> str:
    account = f"cafe-{uuid.uuid4().hex[:12]}"
    body = {
        "pos": "poster",
        "program_id": _first_program_of(api, owner),
        "account": account,
        "application_secret": "secret",
        "access_token": token_for(account),
        "api_base_url": "https://1.1.1.1/api",  # never called: ownership is checked first
    }
    connection_id: str = api.call(
        "POST", "/v1/connections", owner["api_key"], json=body
    ).get_json()["id"]
    return connection_id


def _first_inbound_event_of(api: Api, owner: dict[str, Any]) -> str:
    account = f"cafe-{uuid.uuid4().hex[:12]}"
    body = {
        "pos": "poster",
        "program_id": _first_program_of(api, owner),
        "account": account,
        "application_secret": APP_SECRET,
        "access_token": token_for(account),
    }
    api.call("POST", "/v1/connections", owner["api_key"], json=body)
    api.client.post("/hooks/poster", json=poster_hook(1, account=account))
    events = api.call("GET", "/v1/inbound-events", owner["api_key"]).get_json()["items"]
    event_id: str = events[0]["id"]
    return event_id


def _held_voucher_hold_of(api: Api, owner: dict[str, Any]) -> str:
    number = _first_card_of(api, owner)
    reward = {
        "type": "voucher",
        "description": "Cake",
        "redemption": "code",
        "code": {"mode": "unique", "pattern": "CK-####-####"},
    }
    body = {"reward": reward, "card_number": number}
    code = api.call("POST", "/v1/vouchers", owner["api_key"], json=body).get_json()["code"]
    held = api.call("POST", "/v1/codes/hold", owner["api_key"], json={"code": code})
    hold_id: str = held.get_json()["hold_id"]
    return hold_id


def _redemption_of(api: Api, owner: dict[str, Any]) -> str:
    number = _first_card_of(api, owner)
    reward = {"type": "voucher", "description": "Cake", "redemption": "staff"}
    body = {"reward": reward, "card_number": number}
    voucher_id = api.call("POST", "/v1/vouchers", owner["api_key"], json=body).get_json()["id"]
    redeemed = api.call(
        "POST", f"/v1/vouchers/{voucher_id}/redeem", owner["api_key"], json={"channel": "staff"}
    )
    redemption_id: str = redeemed.get_json()["redemption_id"]
    return redemption_id


def _code_pool_of(api: Api, owner: dict[str, Any]) -> str:
    created = api.call("POST", "/v1/code-pools", owner["api_key"], json={"name": "POS codes"})
    pool_id: str = created.get_json()["id"]
    return pool_id


# Every /v1 route that addresses one object, with the method to try and how to find an object
# of another merchant. A new route with a path parameter must be added here (a test checks it).
def _claim_batch_of(api: Api, owner: dict[str, Any]) -> str:
    program_id = _first_program_of(api, owner)
    body = {
        "program_id": program_id,
        "count": 2,
        "stamps": 1,
        "valid_until": "2099-01-01T00:00:00Z",
    }
    created = api.call("POST", "/v1/claim-batches", owner["api_key"], json=body)
    assert created.status_code == 201, created.get_json()
    batch_id: str = created.get_json()["id"]
    return batch_id


OWNED_OBJECT_ROUTES: dict[str, tuple[str, Callable[[Api, dict[str, Any]], str], Any]] = {
    "/v1/api-keys/<key_id>": ("DELETE", _first_key_of, None),
    "/v1/programs/<program_id>": ("GET", _first_program_of, None),
    "/v1/cards/<number>": ("GET", _first_card_of, None),
    "/v1/cards/<number>/stamps": ("POST", _first_card_of, {"count": 1, "channel": "api"}),
    "/v1/cards/<number>/consent": (
        "POST",
        _first_card_of,
        {"email": {"granted": True, "source": "kiosk"}},
    ),
    "/v1/cards/<number>/journal": ("GET", _first_card_of, None),
    "/v1/cards/<number>/spins": ("GET", _first_card_of, None),
    "/v1/spins/<spin_id>/play": ("POST", _pending_spin_of, None),
    "/v1/vouchers/<voucher_id>": ("GET", _first_voucher_of, None),
    "/v1/vouchers/<voucher_id>/assign": (
        "POST",
        _first_voucher_of,
        {"card_number": "000000000000"},
    ),
    "/v1/vouchers/<voucher_id>/redeem": ("POST", _first_voucher_of, {"channel": "api"}),
    "/v1/vouchers/<voucher_id>/void": ("POST", _first_voucher_of, None),
    "/v1/vouchers/<voucher_id>/qr.svg": ("GET", _first_voucher_of, None),
    "/v1/vouchers/<voucher_id>/qr.png": ("GET", _first_voucher_of, None),
    "/v1/vouchers/<voucher_id>/barcode.svg": ("GET", _first_voucher_of, None),
    "/v1/vouchers/<voucher_id>/barcode.png": ("GET", _first_voucher_of, None),
    "/v1/holds/<hold_id>": ("DELETE", _held_voucher_hold_of, None),
    "/v1/redemptions/<redemption_id>": ("GET", _redemption_of, None),
    "/v1/redemptions/<redemption_id>/rollback": ("POST", _redemption_of, {}),
    "/v1/code-pools/<pool_id>": ("GET", _code_pool_of, None),
    "/v1/code-pools/<pool_id>/codes": ("POST", _code_pool_of, {"codes": ["SPARE-1"]}),
    "/v1/code-pools/<pool_id>/sync": ("POST", _code_pool_of, None),
    "/v1/programs/<program_id>/codes.csv": ("GET", _first_program_of, None),
    "/v1/programs/<program_id>/wallet-design": ("PUT", _first_program_of, {}),
    "/v1/sales/<sale_id>": ("GET", _first_sale_of, None),
    "/v1/sales/<sale_id>/refunds": ("POST", _first_sale_of, {"refund_id": "R-1"}),
    "/v1/webhook-endpoints/<endpoint_id>": ("GET", _first_endpoint_of, None),
    "/v1/webhook-endpoints/<endpoint_id>/secret": ("GET", _first_endpoint_of, None),
    "/v1/webhook-endpoints/<endpoint_id>/rotate-secret": ("POST", _first_endpoint_of, None),
    "/v1/webhook-endpoints/<endpoint_id>/test": ("POST", _first_endpoint_of, None),
    "/v1/webhook-endpoints/<endpoint_id>/recover": (
        "POST",
        _first_endpoint_of,
        {"since": "2026-01-01T00:00:00Z"},
    ),
    "/v1/webhook-endpoints/<endpoint_id>/deliveries": ("GET", _first_endpoint_of, None),
    "/v1/deliveries/<delivery_id>": ("GET", _first_delivery_of, None),
    "/v1/deliveries/<delivery_id>/retry": ("POST", _first_delivery_of, None),
    "/v1/events/<event_id>": ("GET", _first_event_of, None),
    "/v1/connections/<connection_id>": ("GET", _first_connection_of, None),
    "/v1/connections/<connection_id>/locations": ("PUT", _first_connection_of, {"1": "main"}),
    "/v1/connections/<connection_id>/codes": ("PUT", _first_connection_of, {"5": "CODE"}),
    "/v1/connections/<connection_id>/promotions": ("GET", _first_connection_of, None),
    "/v1/connections/<connection_id>/catalog": ("GET", _first_connection_of, None),
    "/v1/connections/<connection_id>/register-webhook": ("POST", _first_connection_of, None),
    "/v1/inbound-events/<event_id>": ("GET", _first_inbound_event_of, None),
    "/v1/inbound-events/<event_id>/retry": ("POST", _first_inbound_event_of, None),
    "/v1/campaigns/<campaign_id>": ("GET", _campaign_of, None),
    "/v1/campaigns/<campaign_id>/cancel": ("POST", _campaign_of, None),
    "/v1/campaigns/<campaign_id>/messages": ("GET", _campaign_of, None),
    "/v1/automations/<automation_id>": ("GET", _automation_of, None),
    "/v1/claim-batches/<batch_id>": ("GET", _claim_batch_of, None),
    "/v1/claim-batches/<batch_id>/inserts": ("GET", _claim_batch_of, None),
}


def test_every_object_route_has_an_isolation_case(app: Flask) -> None:
    object_routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/") and rule.arguments
    }
    assert object_routes <= set(OWNED_OBJECT_ROUTES), object_routes - set(OWNED_OBJECT_ROUTES)


def test_object_routes_answer_404_for_another_merchants_objects(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    for rule, (method, find_object, body) in OWNED_OBJECT_ROUTES.items():
        object_id = find_object(api, other_merchant)
        path = re.sub(r"<[^>]+>", object_id, rule)
        response = api.call(method, path, merchant["api_key"], json=body)
        assert response.status_code == 404, (method, path)
        assert_problem(response, 404, "not_found")


def _card_id_of(api: Api, owner: dict[str, Any]) -> str:
    number = _first_card_of(api, owner)
    card_id: str = api.call("GET", f"/v1/cards/{number}", owner["api_key"]).get_json()["id"]
    return card_id


def _google_job_of(api: Api, owner: dict[str, Any]) -> str:
    ext = api.client.application.extensions["stampgate"]
    local = ext.settings.model_copy(update={"webhook_allowed_networks": ("127.0.0.0/8",)})
    account = service_account("http://127.0.0.1:9/token")
    body = GoogleCredentialsIn(issuer_id=ISSUER_ID, service_account=account)
    with ext.session_factory() as session:
        put_credentials(session, local, owner["id"], body)
    _first_card_of(api, owner)  # queues the card's Google job
    jobs = api.call("GET", "/v1/wallet/google/jobs", owner["api_key"]).get_json()["items"]
    job_id: str = jobs[0]["id"]
    return job_id


# Lists and exports of a whole merchant, and how to make an object of another merchant that
# each would show: the caller never sees it, in the JSON items or in the CSV.
MERCHANT_LISTS: dict[str, Callable[[Api, dict[str, Any]], str]] = {
    "/v1/api-keys": _first_key_of,
    "/v1/programs": _first_program_of,
    "/v1/cards": _card_id_of,
    "/v1/cards/export.csv": _card_id_of,
    "/v1/sales": _first_sale_of,
    "/v1/sales/export.csv": _first_sale_of,
    "/v1/vouchers": _first_voucher_of,
    "/v1/redemptions": _redemption_of,
    "/v1/code-pools": _code_pool_of,
    "/v1/webhook-endpoints": _first_endpoint_of,
    "/v1/connections": _first_connection_of,
    "/v1/inbound-events": _first_inbound_event_of,
    "/v1/events": _first_card_of,  # card.created carries the card's number
    "/v1/audit-events": _card_id_of,  # the card's creation, by its id
    "/v1/analytics": _sale_location_of,
    "/v1/campaigns": _campaign_of,
    "/v1/automations": _automation_of,
    "/v1/claim-batches": _claim_batch_of,
    "/v1/wallet/google/jobs": _google_job_of,
}
NOT_LISTS = {
    "/v1/merchant",
    "/v1/event-types",
    "/v1/connections/poster/install-url",
    "/v1/wallet/google",
    "/v1/wallet/apple",  # the caller's own credentials: tests/wallet/test_apple_credentials.py
}


def test_merchant_lists_and_exports_show_only_the_callers_rows(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    for path, make in MERCHANT_LISTS.items():
        theirs = make(api, other_merchant)
        mine = make(api, merchant)
        response = api.call("GET", path, merchant["api_key"])
        assert response.status_code == 200, path
        shown = response.get_data(as_text=True)
        assert mine in shown, path
        assert theirs not in shown, path
        seen_by_them = api.call("GET", path, other_merchant["api_key"]).get_data(as_text=True)
        assert theirs in seen_by_them, path
        assert mine not in seen_by_them, path


def test_every_merchant_list_has_an_isolation_case(app: Flask) -> None:
    lists = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/")
        and not rule.arguments
        and "GET" in (rule.methods or set())
        and rule.rule not in NOT_LISTS
    }
    assert lists <= set(MERCHANT_LISTS), lists - set(MERCHANT_LISTS)


def test_every_merchant_and_admin_route_requires_credentials(
    make_app: Callable[..., Flask],
) -> None:
    # One address knocks on every route: more failed authentications than the limit allows.
    app = make_app(limit_auth_failures="1000/minute")
    client = app.test_client()
    guarded = [
        rule for rule in app.url_map.iter_rules() if rule.rule.startswith(("/v1/", "/admin/v1/"))
    ]
    assert guarded
    for rule in guarded:
        path = rule.rule.replace("<", "").replace(">", "")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, json={})
            assert_problem(response, 401, "unauthorized")


def test_a_key_can_be_created_without_a_body(api: Api, merchant: dict[str, Any]) -> None:
    created = api.call("POST", "/v1/api-keys", merchant["api_key"])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["label"] is None
    assert api.call("GET", "/v1/merchant", body["api_key"]).status_code == 200
