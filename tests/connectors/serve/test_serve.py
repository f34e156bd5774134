"""The Serve (Syrve) connector against a fake Syrve over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from gateway.loyalty.sales.models import Sale
from tests.support.events import event_data
from tests.support.fake_syrve import (
    LISBON_TERMINAL,
    ORGANIZATION,
    FakeSyrve,
    connection_body,
    latte,
    order_event,
    syrve_settings,
)
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.programs import FREE_PIZZA

PER_LATTE = [{"kind": "per_item", "stamps": 1, "products": ["prod-latte"]}]


def connect(app: Flask, syrve: FakeSyrve, **program: Any) -> PosWorld:
    world = make_world(app, connection_body(syrve), currency="EUR", **program)
    syrve.calls.clear()  # what tests look at starts once the connection is made
    return world


@pytest.fixture
def world(make_app: Callable[..., Flask], syrve: FakeSyrve) -> PosWorld:
    return connect(make_app(**syrve_settings(syrve)), syrve)


def deliver(world: PosWorld, *events: dict[str, Any], token: str | None = None) -> Any:
    given = world.connection["webhook_token"] if token is None else token
    return world.client.post(
        f"/hooks/serve/{world.connection['id']}",
        json=list(events),
        headers={"Authorization": f"Bearer {given}"},
    )


def stamps(world: PosWorld) -> int:
    cards = world.cards("pos=serve:cust-1")
    return int(cards[0]["stamps"]) if cards else 0


def sales(world: PosWorld) -> list[Sale]:
    with world.app.extensions["stampgate"].session_factory() as session:
        return list(session.scalars(select(Sale).order_by(Sale.id)))


def test_a_connection_gets_its_webhook_url_and_token_once(world: PosWorld) -> None:
    created = world.connection
    assert created["organization_id"] == ORGANIZATION
    assert created["webhook_url"].endswith(f"/hooks/serve/{created['id']}")
    assert len(created["webhook_token"]) >= 32
    shown = world.api.call("GET", f"/v1/connections/{created['id']}", world.key).get_json()
    assert shown["webhook_token"] is None
    assert "syrve-api-login" not in str(shown)


def test_a_closed_order_stamps_with_exact_amounts_and_utc_time(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    path = f"/v1/connections/{world.connection['id']}/locations"
    world.api.call("PUT", path, world.key, json={"tg-kyiv": "podil"})

    response = deliver(world, order_event("order-1"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "accept"}
    assert syrve.calls == []  # nothing fetched before the acknowledgement
    world.process()

    assert stamps(world) == 1
    (sale,) = sales(world)
    assert (sale.source, sale.transaction_id, sale.total, sale.currency) == (
        "serve",
        "order-1",
        18550,
        "EUR",
    )
    # 12:00 at a Kyiv terminal ("FLE Standard Time", EET in November) is 10:00 UTC.
    assert sale.closed_at.isoformat() == "2026-11-22T10:00:00+00:00"
    assert sale.location == "podil"
    assert sale.body["customer"] == {
        "card_number": None,
        "phone": "+380501111111",
        "email": None,
        "pos_customer_id": "cust-1",
    }


def test_an_iana_zone_terminal_and_decimal_amounts(world: PosWorld) -> None:
    items = [latte(amount=3, price=0.1)]
    event = order_event("order-2", items=items, total="0.30", terminalGroupId=LISBON_TERMINAL)
    deliver(world, event)
    world.process()
    (sale,) = sales(world)
    assert sale.closed_at.isoformat() == "2026-11-22T12:00:00+00:00"
    assert sale.total == 30
    assert sale.body["lines"][0]["amount"] == 30
    assert sale.body["lines"][0]["quantity"] == 3


def test_a_registered_customer_without_a_phone_on_the_order_is_looked_up(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.customers = {"cust-1": {"id": "cust-1", "phone": "+380502222222"}}
    deliver(world, order_event("order-16", phone=None))
    world.process()
    (sale,) = sales(world)
    assert sale.body["customer"]["phone"] == "+380502222222"
    assert sale.body["customer"]["pos_customer_id"] == "cust-1"


def test_methods_the_login_lacks_are_skipped_and_the_connection_stays_active(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.not_granted = {"loyalty/iiko/customer/info", "loyalty/iiko/coupons/info"}
    syrve.discounts = [{"id": "disc-pizza", "name": "Free pizza"}]
    assert map_codes(world, {"disc-pizza": "FREEPIZZA9"})[0][0] == "disc-pizza"
    deliver(world, order_event("order-17", phone=None, loyaltyInfo={"coupon": "C-1"}))
    world.process()
    (sale,) = sales(world)
    assert sale.body["customer"]["phone"] is None
    assert sale.body["promo_codes"] == ["C-1"]
    path = f"/v1/connections/{world.connection['id']}"
    assert world.api.call("GET", path, world.key).get_json()["status"] == "active"
    assert syrve.count("loyalty/iiko/coupons/info") == 2  # tried again after a fresh login


def test_the_same_event_five_times_stamps_once(world: PosWorld) -> None:
    event = order_event("order-3")
    for _ in range(5):
        assert deliver(world, event).status_code == 200
    assert len(world.stored_events()) == 1
    world.process()
    assert stamps(world) == 1
    assert len(event_data(world.app, "sale.processed")) == 1


@pytest.mark.parametrize("status", ["New", "Bill"])
def test_open_orders_earn_nothing(world: PosWorld, status: str) -> None:
    deliver(world, order_event("order-4", status=status))
    world.process()
    (event,) = world.inbound("ignored")
    assert event["result"] == {"reason": "order_not_closed", "status": status}
    assert sales(world) == []


def test_deleted_items_do_not_count(make_app: Callable[..., Flask], syrve: FakeSyrve) -> None:
    world = connect(make_app(**syrve_settings(syrve)), syrve, rules=PER_LATTE)
    items = [latte(amount=2, price=50), latte(amount=3, price=50, deleted=True)]
    deliver(world, order_event("order-5", items=items, total=100))
    world.process()
    assert stamps(world) == 2
    (sale,) = sales(world)
    assert [line["quantity"] for line in sale.body["lines"]] == [2]


def test_a_deleted_order_is_reversed(world: PosWorld) -> None:
    deliver(world, order_event("order-6"))
    world.process()
    assert stamps(world) == 1
    deleted = order_event("order-6", status="Deleted", event_time="2026-11-22 11:00:00.000")
    deliver(world, deleted)
    world.process()
    assert stamps(world) == 0
    (reversal,) = event_data(world.app, "card.stamps_reversed")
    assert reversal["removed"] == 1


def test_a_cancelled_delivery_order_is_reversed(world: PosWorld) -> None:
    kind = "DeliveryOrderUpdate"
    deliver(world, order_event("order-7", event_type=kind))
    world.process()
    cancelled = order_event(
        "order-7", status="Cancelled", event_type=kind, event_time="2026-11-22 11:00:00.000"
    )
    deliver(world, cancelled)
    world.process()
    assert stamps(world) == 0


def test_a_mapped_discount_redeems_and_a_second_coupon_use_is_rejected(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.discounts = [{"id": "disc-pizza", "name": "Free pizza", "isDeleted": False}]
    listed = map_codes(world, {"disc-pizza": "FREEPIZZA9", "coupon:ABC123": "FREEPIZZA9"})
    assert listed == [("disc-pizza", "Free pizza", "discount", True, "FREEPIZZA9")]
    path = f"/v1/connections/{world.connection['id']}/codes"
    refused = world.api.call("PUT", path, world.key, json={"disc-gone": "X"})
    assert_problem(refused, 422, "unknown_promotion")

    voucher = voucher_after_a_first_order(world, "order-8")

    discount = {"discountType": {"id": "disc-pizza", "name": "Free pizza"}, "sum": 10}
    deliver(world, order_event("order-9", discounts=[discount]))
    deliver(world, order_event("order-10", loyaltyInfo={"coupon": "ABC123"}))
    world.process()

    assert voucher_status(world, voucher) == "redeemed"
    (rejected,) = event_data(world.app, "voucher.redemption_rejected")
    assert rejected["code"] == "FREEPIZZA9"
    assert rejected["reason"] == "already_redeemed"


def test_a_coupon_of_a_mapped_series_redeems(world: PosWorld, syrve: FakeSyrve) -> None:
    syrve.coupon_series = [{"id": "series-lunch", "number": "LUNCH"}]
    syrve.coupons = {
        "L-0042": {
            "id": "cp-42",
            "number": "L-0042",
            "seriesId": "series-lunch",
            "isDeleted": False,
        }
    }
    listed = map_codes(world, {"series-lunch": "FREEPIZZA9"})
    assert listed == [("series-lunch", "LUNCH", "coupon_series", True, "FREEPIZZA9")]
    voucher = voucher_after_a_first_order(world, "order-20")

    deliver(world, order_event("order-21", loyaltyInfo={"coupon": "L-0042"}))
    world.process()

    assert voucher_status(world, voucher) == "redeemed"
    assert syrve.count("loyalty/iiko/coupons/info") == 1  # the first order had no coupon


def map_codes(world: PosWorld, codes: dict[str, str]) -> list[tuple[Any, ...]]:
    """Map Syrve promotions to redeem codes; then list them as (id, name, kind, active, code)."""
    path = f"/v1/connections/{world.connection['id']}"
    mapped = world.api.call("PUT", f"{path}/codes", world.key, json=codes)
    assert mapped.status_code == 200, mapped.get_json()
    items = world.api.call("GET", f"{path}/promotions", world.key).get_json()["items"]
    return [tuple(item[key] for key in ("id", "name", "kind", "active", "code")) for item in items]


def voucher_status(world: PosWorld, voucher: dict[str, Any]) -> str:
    """A voucher's status now."""
    found = world.api.call("GET", f"/v1/vouchers/{voucher['id']}", world.key).get_json()
    return str(found["status"])


def voucher_after_a_first_order(world: PosWorld, order_id: str) -> dict[str, Any]:
    """A goodwill voucher on the card a first closed order created."""
    deliver(world, order_event(order_id))
    world.process()
    number = world.cards("pos=serve:cust-1")[0]["number"]
    body = {"reward": FREE_PIZZA, "card_number": number, "reason": "goodwill"}
    return dict(world.api.call("POST", "/v1/vouchers", world.key, json=body).get_json())


def test_an_expired_token_is_renewed_transparently(world: PosWorld, syrve: FakeSyrve) -> None:
    path = f"/v1/connections/{world.connection['id']}/promotions"
    assert world.api.call("GET", path, world.key).status_code == 200
    assert syrve.count("access_token") == 1
    assert world.api.call("GET", path, world.key).status_code == 200
    assert syrve.count("access_token") == 1  # cached, not logged in again
    syrve.expire_tokens()
    assert world.api.call("GET", path, world.key).status_code == 200
    assert syrve.count("access_token") == 2


def test_a_refused_login_parks_events_until_the_login_is_fixed(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.api_login = "rotated-login"
    deliver(world, order_event("order-11"))
    world.process()
    (waiting,) = world.inbound("waiting")
    assert "login refused" in waiting["last_error"]
    path = f"/v1/connections/{world.connection['id']}"
    assert world.api.call("GET", path, world.key).get_json()["status"] == "needs_reauth"

    patched = world.api.call("PATCH", path, world.key, json={"api_login": "rotated-login"})
    assert patched.get_json()["status"] == "active"
    world.process()
    assert stamps(world) == 1


def test_error_events_fail_and_other_events_are_ignored(world: PosWorld) -> None:
    error = order_event("order-12", event_type="TableOrderError")
    error["eventInfo"]["creationStatus"] = "Error"
    error["eventInfo"]["errorInfo"] = {"code": "Timeout", "message": "terminal did not answer"}
    not_created = order_event("order-13")
    not_created["eventInfo"]["creationStatus"] = "InProgress"
    other = order_event("x", event_type="StopListUpdate")
    deliver(world, error, not_created, other)
    world.process()

    failed = {event["object_id"]: event for event in world.inbound("failed")}
    assert "terminal did not answer" in failed["order-12"]["last_error"]
    assert "InProgress" in failed["order-13"]["last_error"]
    (ignored,) = world.inbound("ignored")
    assert ignored["result"]["event_type"] == "StopListUpdate"
    assert sales(world) == []


def test_register_webhook_writes_the_settings_and_reads_them_back(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    path = f"/v1/connections/{world.connection['id']}/register-webhook"
    response = world.api.call("POST", path, world.key)
    assert response.status_code == 200, response.get_json()
    assert syrve.webhook_settings == {
        "organizationId": ORGANIZATION,
        "webHooksUri": world.connection["webhook_url"],
        "authToken": world.connection["webhook_token"],
        "webHooksFilter": {
            "tableOrderFilter": {"orderStatuses": ["Closed", "Deleted"]},
            "deliveryOrderFilter": {"orderStatuses": ["Closed", "Cancelled"]},
        },
    }
    assert response.get_json()["webhook_url"] == world.connection["webhook_url"]
    assert syrve.count("webhooks/settings") == 1


def test_bad_deliveries_get_problems_and_store_nothing(world: PosWorld) -> None:
    event = order_event("order-14")
    assert_problem(deliver(world, event, token="wrong"), 401, "bad_token")
    bare = world.client.post(f"/hooks/serve/{world.connection['id']}", json=[event])
    assert_problem(bare, 401, "bad_token")
    token = world.connection["webhook_token"]
    not_array = world.client.post(
        f"/hooks/serve/{world.connection['id']}", json=event, headers={"Authorization": token}
    )
    assert_problem(not_array, 400, "malformed_webhook")
    unknown = world.client.post("/hooks/serve/con_unknown", json=[event])
    assert_problem(unknown, 404, "not_found")
    assert world.stored_events() == []
    # The bare token (without "Bearer ") is accepted too.
    plain = world.client.post(
        f"/hooks/serve/{world.connection['id']}", json=[event], headers={"Authorization": token}
    )
    assert plain.status_code == 200


def test_embedded_mode_processes_orders_in_the_background(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    world = connect(make_app(**syrve_settings(syrve), embedded_dispatcher=True), syrve)
    assert deliver(world, order_event("order-15")).status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not world.inbound("processed"):
        time.sleep(0.05)
    assert stamps(world) == 1
