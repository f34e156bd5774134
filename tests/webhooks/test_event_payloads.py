"""Event payloads: every event the flows write fits its published schema and stays small."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from gateway.campaigns.sending import Sender, drain_campaigns
from gateway.loyalty.claims.service import ClaimRefusedError
from gateway.models import Event
from tests.support.api import Api
from tests.support.claims import claim_by_phone
from tests.support.pkpass import download, pass_json
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body
from tests.support.wallet_certs import PASS_TYPE_ID, chain
from webhooks.catalog import EVENT_TYPES
from webhooks.events import sent_body
from webhooks.outbox import listen_to_events, record_event, stop_listening_to_events
from webhooks.payloads import DATA_MODELS
from webhooks.signing import MAX_PAYLOAD_BYTES

# Written by the webhook machinery, not by the loyalty flows this file drives.
NOT_FROM_LOYALTY = {
    "endpoint.failing",
    "endpoint.disabled",
    "webhook.test",
    "connection.mappings_stale",  # from the promotion sync: tests/test_promotion_sync.py
}
PHONE, OTHER_PHONE = "+380501111111", "+380502222222"


def _text(letter: str, length: int) -> str:
    return letter * length


IMAGE_URL = "https://img.example.com/" + _text("i", 2048 - 24)
LONG_AWARD = {"type": "award", "description": _text("A", 500), "image_url": IMAGE_URL}


def _voucher(redemption: str, code: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "type": "voucher",
        "description": _text("V", 500),
        "image_url": IMAGE_URL,
        "redemption": redemption,
        **({"code": code} if code else {}),
        "validity": {"kind": "days", "count": 30},
    }


def _sure_lottery(kind: str, prize: dict[str, Any] | None = None) -> dict[str, Any]:
    """A lottery whose one variant always wins, so every outcome kind is played."""
    variant: dict[str, Any] = {"kind": kind, "probability": "100", "name": _text("N", 200)}
    variant |= {"greeting": _text("G", 500), **({"reward": prize} if prize else {})}
    return {"type": "lottery", "name": _text("L", 200), "variants": [variant]}


def _program() -> dict[str, Any]:
    """Every kind of reward, at its longest, on a 7-stamp card."""
    rewards = [
        LONG_AWARD,
        _voucher("code", {"mode": "unique", "pattern": "PZ-" + _text("#", 61)}),
        _sure_lottery("award", LONG_AWARD),
        _sure_lottery("voucher", _voucher("staff")),
        _sure_lottery("try_again"),
        _sure_lottery("no_prize"),
    ]
    return nine_stamp_card(
        name=_text("P", 200),
        stamps_goal=7,
        reward=_voucher("code", {"mode": "shared", "value": _text("S", 64)}),
        milestones=[{"stamps": n, "reward": r} for n, r in enumerate(rewards, start=1)],
        rules=[{"kind": "per_item", "stamps": 1, "categories": ["coffee"]}],
        max_stamps_per_sale=14,  # two whole cycles from the big sale
    )


def _big_sale(program_id: str) -> dict[str, Any]:
    """The largest sale the API accepts: 500 long lines and 20 long unknown promo codes."""
    lines = [
        {
            "product": f"{n:03d}" + _text("p", 125),
            "category": "coffee",
            "name": _text("n", 200),
            "quantity": 1,
            "amount": 100,
        }
        for n in range(500)
    ]
    return sale_body(
        _text("T", 128),
        program_id=program_id,
        location=_text("l", 128),
        total=50_000,
        lines=lines,
        promo_codes=[f"{n:02d}" + _text("c", 62) for n in range(20)],
    )


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _drive_every_flow(api: Api, merchant: dict[str, Any]) -> None:
    key = merchant["api_key"]
    program = _ok(api.call("POST", "/v1/programs", key, json=_program()), 201)
    card = {"program_id": program["id"], "customer": {"phone": PHONE, "pos": {"poster": "1"}}}
    number = _ok(api.call("POST", "/v1/cards", key, json=card), 201)["number"]
    big = _ok(post_sale(api, merchant, _big_sale(program["id"])), 201)
    _play_pending_spins(api, key, number)
    _use_vouchers(api, merchant, number, program["id"])
    _ok(api.call("POST", f"/v1/sales/{big['id']}/refunds", key, json={"refund_id": "R-1"}), 201)
    manual = {"count": 3, "channel": "staff", "location": _text("l", 128), "staff": _text("s", 128)}
    _ok(api.call("POST", f"/v1/cards/{number}/stamps", key, json=manual))
    enrolled = sale_body("T-new", customer={"phone": OTHER_PHONE})
    _ok(post_sale(api, merchant, enrolled), 201)
    _ok(post_sale(api, merchant, sale_body("T-anon", customer=None)), 201)
    _goodwill_vouchers(api, key, number)
    _pool_vouchers(api, key)
    _guess_codes(api, key)


def _guess_codes(api: Api, key: str) -> None:
    # A run of unknown codes at a location of the longest name locks it out: fraud.suspected.
    for number in range(10):
        guess = {"code": _text("G", 60) + f"{number:04d}", "location": _text("g", 128)}
        assert _ok(api.call("POST", "/v1/codes/check", key, json=guess))["valid"] is False


def _pool_vouchers(api: Api, key: str) -> None:
    """A goal reached on an empty pool, the pool refilled, and a redemption rolled back."""
    pool = _ok(api.call("POST", "/v1/code-pools", key, json={"name": _text("n", 200)}), 201)
    reward = _voucher("code", {"mode": "pool", "pool_id": pool["id"]})
    body = nine_stamp_card(stamps_goal=1, reward=reward, milestones=[])
    program = _ok(api.call("POST", "/v1/programs", key, json=body), 201)
    number = _ok(api.call("POST", "/v1/cards", key, json={"program_id": program["id"]}), 201)[
        "number"
    ]
    _ok(api.call("POST", f"/v1/cards/{number}/stamps", key, json={"count": 1, "channel": "api"}))
    codes = {"codes": [_text("C", 64)]}
    _ok(api.call("POST", f"/v1/code-pools/{pool['id']}/codes", key, json=codes))
    redeem = {"code": _text("C", 64), "pos_transaction_id": _text("t", 128)}
    redeemed = _ok(api.call("POST", "/v1/codes/redeem", key, json=redeem))
    rollback = {"reason": _text("r", 200)}
    path = f"/v1/redemptions/{redeemed['redemption_id']}/rollback"
    _ok(api.call("POST", path, key, json=rollback))


def _play_pending_spins(api: Api, key: str, number: str) -> None:
    query = {"status": "pending"}
    pending = _ok(api.call("GET", f"/v1/cards/{number}/spins", key, query_string=query))
    assert pending["items"]
    for spin in pending["items"]:
        _ok(api.call("POST", f"/v1/spins/{spin['id']}/play", key))


def _use_vouchers(api: Api, merchant: dict[str, Any], number: str, program_id: str) -> None:
    key = merchant["api_key"]
    query = {"card": number, "status": "active", "limit": 500}
    active = _ok(api.call("GET", "/v1/vouchers", key, query_string=query))["items"]
    staff = [v for v in active if v["redemption"] == "staff"]
    unique = [v for v in active if v["redemption"] == "code" and v["code"].startswith("PZ-")]
    assert len(staff) >= 2
    assert unique
    redeem = {"channel": "staff", "location": _text("l", 128), "staff": _text("s", 128)}
    _ok(api.call("POST", f"/v1/vouchers/{staff[0]['id']}/redeem", key, json=redeem))
    _ok(api.call("POST", f"/v1/vouchers/{staff[1]['id']}/void", key))
    code = unique[0]["code"]
    for transaction in ("T-code", "T-code-again"):  # the second is refused: already redeemed
        sale = sale_body(transaction, program_id=program_id, promo_codes=[code])
        _ok(post_sale(api, merchant, sale), 201)


def _goodwill_vouchers(api: Api, key: str, number: str) -> None:
    unassigned = {"reward": _voucher("self"), "reason": _text("r", 200)}
    issued = _ok(api.call("POST", "/v1/vouchers", key, json=unassigned), 201)
    assign = {"card_number": number}
    _ok(api.call("POST", f"/v1/vouchers/{issued['id']}/assign", key, json=assign))
    stale = {**_voucher("self"), "validity": {"kind": "fixed_date", "date": "2020-01-01"}}
    lapsed = _ok(
        api.call("POST", "/v1/vouchers", key, json={"reward": stale, "card_number": number}), 201
    )
    assert _ok(api.call("GET", f"/v1/vouchers/{lapsed['id']}", key))["status"] == "expired"


def _campaign(app: Flask, api: Api, key: str) -> None:
    """A campaign of the longest texts to a new card, on both event channels, sent."""
    program = _ok(api.call("POST", "/v1/programs", key, json=nine_stamp_card()), 201)
    _ok(api.call("POST", "/v1/cards", key, json={"program_id": program["id"]}), 201)
    body = {
        "program_id": program["id"],
        "name": _text("C", 200),
        "segment": {"kind": "all"},
        "channels": ["wallet", "messenger"],
        "push_text": "👩‍👩‍👧‍👦" * 20,
        "message_text": _text("M", 4000),
    }
    _ok(api.call("POST", "/v1/campaigns", key, json=body), 201)
    ext = app.extensions["stampgate"]
    drain_campaigns(Sender(ext.settings, ext.session_factory))


def _stored_events(app: Flask, merchant_id: str) -> list[Event]:
    with app.extensions["stampgate"].session_factory() as session:
        return list(session.scalars(select(Event).where(Event.merchant_id == merchant_id)))


def _claim_a_receipt_twice(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    """A receipt without a customer claimed by phone (sale.claimed), then again (refused)."""
    line = {"product": "1", "category": "coffee", "name": "Latte", "quantity": 1, "amount": 500}
    receipt = sale_body(_text("A", 128), customer=None, lines=[line])
    claim_url = _ok(post_sale(api, merchant, receipt), 201)["claim_url"]
    claim_by_phone(app, claim_url, "+380503333333")
    with pytest.raises(ClaimRefusedError):
        claim_by_phone(app, claim_url, "+380503333333")


def _wallet_pass_installed_and_removed(api: Api, key: str) -> None:
    """A card's Apple pass registered by a phone, then removed."""
    _ok(api.call("PUT", "/v1/wallet/apple", key, json=chain().body()))
    program = _ok(api.call("POST", "/v1/programs", key, json=nine_stamp_card()), 201)
    card = _ok(api.call("POST", "/v1/cards", key, json={"program_id": program["id"]}), 201)
    document = pass_json(download(api.client, card["apple_pass_url"]))
    path = f"/wallet/apple/v1/devices/d1/registrations/{PASS_TYPE_ID}/{card['id']}"
    auth = {"Authorization": f"ApplePass {document['authenticationToken']}"}
    assert api.client.post(path, json={"pushToken": "t" * 64}, headers=auth).status_code == 201
    assert api.client.delete(path, headers=auth).status_code == 200


def test_every_event_fits_its_schema_and_stays_small(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _drive_every_flow(api, merchant)
    _campaign(app, api, merchant["api_key"])
    _claim_a_receipt_twice(app, api, merchant)
    _wallet_pass_installed_and_removed(api, merchant["api_key"])
    events = _stored_events(app, merchant["id"])
    seen = {event.type for event in events}
    assert seen >= set(EVENT_TYPES) - NOT_FROM_LOYALTY, set(EVENT_TYPES) - seen
    for event in events:
        assert event.type in EVENT_TYPES
        DATA_MODELS[event.type].model_validate(event.data)
    size, largest = max((len(sent_body(e)), e.type) for e in events)
    assert size < MAX_PAYLOAD_BYTES // 8, f"largest envelope: {largest}, {size} bytes"


def test_an_oversized_event_is_refused(app: Flask, merchant: dict[str, Any]) -> None:
    data = {"card_number": "1", "program_id": "p", "enrolled_by": _text("x", MAX_PAYLOAD_BYTES)}
    with app.extensions["stampgate"].session_factory() as session:
        with pytest.raises(ValueError, match="exceeds"):
            record_event(session, merchant["id"], "card.created", data)
        assert not session.new


def test_every_catalog_type_has_a_data_model() -> None:
    assert set(DATA_MODELS) == set(EVENT_TYPES)


def test_event_types_are_listed_with_their_schemas(api: Api, merchant: dict[str, Any]) -> None:
    listed = _ok(api.call("GET", "/v1/event-types", merchant["api_key"]))["items"]
    assert [item["type"] for item in listed] == list(EVENT_TYPES)
    for item in listed:
        assert item["description"] == EVENT_TYPES[item["type"]]
        assert item["schema"] == DATA_MODELS[item["type"]].model_json_schema()
        assert item["schema"]["type"] == "object"
        assert item["schema"]["additionalProperties"] is True
    test_event = next(item for item in listed if item["type"] == "webhook.test")
    assert set(test_event["schema"]["required"]) == {"message", "endpoint_id"}


def _times_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _times_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _times_in(item)
    elif isinstance(value, str) and _TIME.match(value):
        yield value


_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_every_time_in_event_data_is_utc_with_a_z(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _drive_every_flow(api, merchant)
    times = [t for event in _stored_events(app, merchant["id"]) for t in _times_in(event.data)]
    assert times, "the flows wrote no times"
    assert [t for t in times if not t.endswith("Z")] == []


def test_event_listeners_see_each_event_in_its_transaction(
    app: Flask, merchant: dict[str, Any]
) -> None:
    heard: list[tuple[str, bool]] = []

    def listener(session: Any, event: Any) -> None:
        heard.append((event.type, event in session))

    listen_to_events(listener)
    listen_to_events(listener)
    try:
        with app.extensions["stampgate"].session_factory() as session:
            data = {"card_number": "1", "program_id": "p", "enrolled_by": "api"}
            record_event(session, merchant["id"], "card.created", data)
            session.rollback()
    finally:
        stop_listening_to_events(listener)
    with app.extensions["stampgate"].session_factory() as session:
        record_event(session, merchant["id"], "card.created", data)
        session.rollback()
    assert heard == [("card.created", True)]
