"""The Poster connector against a fake Poster over real HTTP: hooks, inbox, sales, reversals."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.support.api import Api
from tests.support.events import event_data
from tests.support.fake_poster import (
    ACCOUNT,
    APP_SECRET,
    TOKEN,
    FakePoster,
    connection_body,
    poster_hook,
    poster_settings,
    running_poster,
)
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.programs import FREE_PIZZA

CUSTOMER = {
    "client_id": "7",
    "firstname": "Olena",
    "phone": "+380 50 11-11-111",
    "phone_number": "380501111111",
    "email": "olena@example.com",
}
LATTE = {"product_id": "12", "num": "1", "payed_sum": "8000", "category_id": "3"}


@pytest.fixture
def poster() -> Iterator[FakePoster]:
    with running_poster() as fake:
        fake.clients["7"] = CUSTOMER
        yield fake


def connect(app: Flask, poster: FakePoster, **program: Any) -> PosWorld:
    body = connection_body(poster)
    world = make_world(app, body, **program)
    poster.calls.clear()  # what tests look at starts once the connection is made
    return world


@pytest.fixture
def world(make_app: Callable[..., Flask], poster: FakePoster) -> PosWorld:
    return connect(make_app(**poster_settings(poster)), poster)


def hook(world: PosWorld, body: dict[str, Any]) -> Any:
    return world.client.post("/hooks/poster", json=body)


def sale_of(world: PosWorld, transaction_id: str) -> dict[str, Any]:
    event = next(
        e
        for e in world.inbound("processed")
        if (e["result"] or {}).get("transaction_id") == transaction_id
        and "sale_status" in e["result"]
    )
    response = world.api.call("GET", f"/v1/sales/{event['result']['sale_id']}", world.key)
    body: dict[str, Any] = response.get_json()
    return body


def test_a_national_phone_from_the_pos_reads_as_the_merchants_countrys(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.clients["8"] = {"client_id": "8", "phone_number": "050 222 22 22", "phone": ""}
    poster.add_sale("102", [LATTE], client_id="8", spot_id="1")
    assert hook(world, poster_hook(102)).status_code == 200
    assert world.process() == 1
    (card,) = world.cards("pos=poster:8")
    assert card["customer"]["phone"] == "+380502222222"  # the merchant's country is UA


def test_a_closed_sale_is_acknowledged_stored_then_stamped(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.add_sale("101", [LATTE], client_id="7", spot_id="1")
    world.api.call(
        "PUT", f"/v1/connections/{world.connection['id']}/locations", world.key, json={"1": "podil"}
    )

    response = hook(world, poster_hook(101))

    assert response.status_code == 200
    assert response.get_json() == {"status": "accept"}
    (stored,) = world.inbound()
    assert stored["status"] == "pending"
    assert stored["kind"] == "transaction.changed"
    assert poster.calls == []  # nothing fetched before the acknowledgement

    assert world.process() == 1
    (card,) = world.cards("pos=poster:7")
    assert card["stamps"] == 1
    assert card["customer"]["phone"] == "+380501111111"
    sale = sale_of(world, "101")
    assert sale["status"] == "processed"
    assert sale["stamps_added"] == 1
    (processed,) = world.inbound("processed")
    assert processed["result"]["stamps_added"] == 1
    with world.app.extensions["stampgate"].session_factory() as session:
        from gateway.loyalty.sales.models import Sale

        row = session.scalars(select(Sale)).one()
        assert (row.source, row.transaction_id, row.total, row.currency) == (
            "poster",
            "101",
            8000,
            "UAH",
        )
        assert row.closed_at.isoformat() == "2026-11-22T10:00:00+00:00"
        assert row.location == "podil"
        assert row.body["lines"][0] == {
            "product": "12",
            "category": "3",
            "name": "Item",
            "quantity": 1,
            "amount": 8000,
        }


def test_hooks_replayed_five_times_and_many_changes_stamp_once(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.add_sale("102", [LATTE], client_id="7")
    for _ in range(5):
        assert hook(world, poster_hook(102)).status_code == 200
    for offset in (1, 2, 3):  # further "changed" hooks of the same closed transaction
        assert hook(world, poster_hook(102, at=1795341600 + offset)).status_code == 200

    assert len(world.stored_events()) == 4
    world.process()

    (card,) = world.cards("pos=poster:7")
    assert card["stamps"] == 1
    statuses = sorted(event["status"] for event in world.inbound())
    assert statuses == ["processed"] * 4
    assert len(event_data(world.app, "sale.processed")) == 1


def test_an_open_transaction_stamps_nothing_until_it_closes(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.add_sale("103", [LATTE], client_id="7", status="1")
    hook(world, poster_hook(103, action="added"))
    world.process()
    (ignored,) = world.inbound("ignored")
    assert ignored["result"]["reason"] == "transaction_open"
    assert world.cards("pos=poster:7") == []

    poster.add_sale("103", [LATTE], client_id="7", status="2")
    hook(world, poster_hook(103, at=1795341700))
    world.process()
    (card,) = world.cards("pos=poster:7")
    assert card["stamps"] == 1


def test_a_copy_of_an_ignored_hook_looks_again(world: PosWorld, poster: FakePoster) -> None:
    # Opened and closed within one second: Poster's two hooks carry the same fields.
    poster.add_sale("105", [LATTE], client_id="7", status="1")
    hook(world, poster_hook(105))
    world.process()
    assert world.inbound("ignored")
    poster.add_sale("105", [LATTE], client_id="7", status="2")
    assert hook(world, poster_hook(105)).status_code == 200
    world.process()

    (event,) = world.inbound()
    assert event["status"] == "processed"
    assert world.cards("pos=poster:7")[0]["stamps"] == 1
    hook(world, poster_hook(105))  # a resend of a processed hook stays a no-op
    assert world.process() == 0


@pytest.mark.parametrize("how", ["removed_action", "status_3"])
def test_a_removed_transaction_is_reversed(world: PosWorld, poster: FakePoster, how: str) -> None:
    poster.add_sale("104", [LATTE], client_id="7")
    hook(world, poster_hook(104))
    world.process()
    assert world.cards("pos=poster:7")[0]["stamps"] == 1

    if how == "removed_action":
        hook(world, poster_hook(104, action="removed", at=1795342000))
    else:
        poster.transactions["104"]["status"] = "3"
        hook(world, poster_hook(104, at=1795342000))
    world.process()

    assert world.cards("pos=poster:7")[0]["stamps"] == 0
    (reversal,) = event_data(world.app, "card.stamps_reversed")
    assert reversal["removed"] == 1
    # Removing again (Poster resends, or another hook) reverses nothing more.
    hook(world, poster_hook(104, action="removed", at=1795342500))
    world.process()
    assert len(event_data(world.app, "card.stamps_reversed")) == 1


def test_a_removed_transaction_never_recorded_is_ignored(world: PosWorld) -> None:
    hook(world, poster_hook(999, action="removed"))
    world.process()
    (event,) = world.inbound("ignored")
    assert event["result"]["reason"] == "no_sale_recorded"


def test_a_promotion_mapped_line_redeems_the_voucher_and_a_second_use_is_rejected(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.promotions = [{"promotion_id": "5", "name": "Free pizza"}]
    mapped = world.api.call(
        "PUT",
        f"/v1/connections/{world.connection['id']}/codes",
        world.key,
        json={"5": "FREEPIZZA9"},
    )
    assert mapped.status_code == 200, mapped.get_json()
    poster.add_sale("201", [LATTE], client_id="7")
    hook(world, poster_hook(201))
    world.process()
    card = world.cards("pos=poster:7")[0]
    issued = world.api.call(
        "POST",
        "/v1/vouchers",
        world.key,
        json={"reward": FREE_PIZZA, "card_number": card["number"], "reason": "goodwill"},
    )
    assert issued.status_code == 201, issued.get_json()
    voucher_id = issued.get_json()["id"]

    pizza = {"product_id": "40", "num": "1", "payed_sum": "0", "promotion_id": "5"}
    poster.add_sale("202", [pizza], client_id="7")
    hook(world, poster_hook(202))
    poster.add_sale("203", [pizza], client_id="7")  # the same code used again (a screenshot)
    hook(world, poster_hook(203))
    world.process()

    voucher = world.api.call("GET", f"/v1/vouchers/{voucher_id}", world.key).get_json()
    assert voucher["status"] == "redeemed"
    first, second = sale_of(world, "202"), sale_of(world, "203")
    assert first["redemptions"][0]["status"] == "redeemed"
    assert second["redemptions"][0]["status"] == "rejected"
    assert second["redemptions"][0]["reason"] == "already_redeemed"
    (rejected,) = event_data(world.app, "voucher.redemption_rejected")
    assert rejected["code"] == "FREEPIZZA9"


def test_codes_for_unknown_promotions_are_refused_and_promotions_show_their_codes(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.promotions = [
        {"promotion_id": "5", "name": "Free pizza"},
        {"promotion_id": "6", "name": "Happy hour"},
    ]
    path = f"/v1/connections/{world.connection['id']}"
    refused = world.api.call("PUT", f"{path}/codes", world.key, json={"5": "FREEPIZZA9", "77": "X"})
    assert_problem(refused, 422, "unknown_promotion")
    assert world.api.call("GET", path, world.key).get_json()["codes"] == {}

    world.api.call("PUT", f"{path}/codes", world.key, json={"5": "FREEPIZZA9"})
    listed = world.api.call("GET", f"{path}/promotions", world.key).get_json()
    assert listed["items"] == [
        {
            "id": "5",
            "name": "Free pizza",
            "kind": "promotion",
            "active": True,
            "code": "FREEPIZZA9",
        },
        {"id": "6", "name": "Happy hour", "kind": "promotion", "active": True, "code": None},
    ]
    poster.promotions = []  # the merchant deleted the promotion in Poster
    listed = world.api.call("GET", f"{path}/promotions", world.key).get_json()
    assert listed["stale_mappings"] == {"5": "FREEPIZZA9"}


def test_a_refused_token_parks_events_until_reauthorised(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.token = "a-new-token"  # the merchant reinstalled: our token no longer works
    poster.add_sale("301", [LATTE], client_id="7")
    poster.add_sale("302", [LATTE], client_id="7")
    hook(world, poster_hook(301))
    world.process()
    hook(world, poster_hook(302))
    world.process()

    waiting = world.inbound("waiting")
    assert len(waiting) == 2
    assert "Bad access token" in (waiting[0]["last_error"] or "")
    assert poster.count("dash.getTransaction") == 1  # the second waited without calling Poster
    path = f"/v1/connections/{world.connection['id']}"
    connection = world.api.call("GET", path, world.key).get_json()
    assert connection["status"] == "needs_reauth"

    patched = world.api.call("PATCH", path, world.key, json={"access_token": "a-new-token"})
    assert patched.status_code == 200
    assert patched.get_json()["status"] == "active"
    assert "access_token" not in json.dumps(patched.get_json())
    world.process()
    assert world.cards("pos=poster:7")[0]["stamps"] == 2
    assert world.inbound("waiting") == []


def test_an_application_hook_with_a_new_token_reauthorises(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.token = "installed-again"
    poster.add_sale("303", [LATTE], client_id="7")
    hook(world, poster_hook(303))
    world.process()
    assert len(world.inbound("waiting")) == 1

    data = json.dumps({"access_token": "installed-again"})
    assert (
        hook(
            world, poster_hook(1, action="added", object_name="application", data=data)
        ).status_code
        == 200
    )
    world.process()

    assert world.cards("pos=poster:7")[0]["stamps"] == 1
    application = next(e for e in world.inbound() if e["kind"] == "application.added")
    assert application["payload"]["data"] == "[redacted]"


def test_a_changed_secret_key_parks_events_until_credentials_are_sent_again(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = connect(make_app(**poster_settings(poster)), poster)
    poster.add_sale("801", [LATTE], client_id="7")
    hook(world, poster_hook(801))
    rekeyed_app = make_app(**poster_settings(poster), secret_key="another-key")
    rekeyed = PosWorld(
        rekeyed_app,
        Api(rekeyed_app.test_client(), world.api.admin_token),
        world.key,
        world.program,
        world.connection,
    )

    rekeyed.process()
    (waiting,) = rekeyed.inbound("waiting")
    assert "STAMPGATE_SECRET_KEY" in waiting["last_error"]
    assert_problem(hook(rekeyed, poster_hook(802)), 503, "credentials_unreadable")
    path = f"/v1/connections/{world.connection['id']}"
    # Routes that call the POS answer the same, never a server error.
    listed = rekeyed.api.call("GET", f"{path}/promotions", world.key)
    assert "STAMPGATE_SECRET_KEY" in assert_problem(listed, 503, "credentials_unreadable")["detail"]
    mapped = rekeyed.api.call("PUT", f"{path}/codes", world.key, json={"5": "FREEPIZZA9"})
    assert_problem(mapped, 503, "credentials_unreadable")
    resent = {"application_secret": APP_SECRET, "access_token": TOKEN}
    assert rekeyed.api.call("PATCH", path, world.key, json=resent).status_code == 200

    rekeyed.process()
    assert rekeyed.cards("pos=poster:7")[0]["stamps"] == 1
    assert hook(rekeyed, poster_hook(803, object_name="client")).status_code == 200


def test_a_poster_outage_is_retried_and_succeeds_later(world: PosWorld, poster: FakePoster) -> None:
    poster.add_sale("401", [LATTE], client_id="7")
    poster.outages = 1000
    hook(world, poster_hook(401))
    world.process()
    (pending,) = world.inbound("pending")
    assert pending["attempts"] == 1
    assert "503" in pending["last_error"]
    assert "token" not in pending["last_error"]

    poster.outages = 0
    world.process()
    assert world.cards("pos=poster:7")[0]["stamps"] == 1


def test_a_rate_limit_is_backed_off_and_retried(world: PosWorld, poster: FakePoster) -> None:
    poster.add_sale("402", [LATTE], client_id="7")
    poster.rate_limits = 2
    hook(world, poster_hook(402))
    world.process()
    assert world.cards("pos=poster:7")[0]["stamps"] == 1


def test_a_poison_event_fails_after_its_retries_and_blocks_nothing(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.add_sale("501", [LATTE], client_id="7")
    poster.transactions["501"]["date_close"] = "0"  # closed without a close time: unusable
    poster.add_sale("502", [LATTE], client_id="7")
    hook(world, poster_hook(501))
    hook(world, poster_hook(502))
    world.process()

    (failed,) = world.inbound("failed")
    assert failed["object_id"] == "501"
    assert "close time" in failed["last_error"]
    assert world.cards("pos=poster:7")[0]["stamps"] == 1

    poster.outages = 10_000
    hook(world, poster_hook(503))
    for _ in range(4):  # the first try and three retries (schedule 0,0,0)
        world.process()
    outage = next(e for e in world.inbound("failed") if e["object_id"] == "503")
    assert outage["attempts"] == 4
    poster.outages = 0
    poster.add_sale("503", [LATTE], client_id="7")
    retried = world.api.call("POST", f"/v1/inbound-events/{outage['id']}/retry", world.key)
    assert retried.status_code == 200
    assert retried.get_json()["status"] == "pending"
    world.process()
    assert world.cards("pos=poster:7")[0]["stamps"] == 2
    again = world.api.call("POST", f"/v1/inbound-events/{outage['id']}/retry", world.key)
    assert_problem(again, 409, "not_retryable")


def test_objects_other_than_transactions_are_stored_and_ignored(world: PosWorld) -> None:
    hook(world, poster_hook(5, object_name="product", action="changed"))
    world.process()
    (event,) = world.inbound("ignored")
    assert event["result"] == {"reason": "object_not_used", "object": "product"}


def test_a_client_payed_sum_hook_beside_its_transaction_is_acknowledged_and_stamps_once(
    world: PosWorld, poster: FakePoster
) -> None:
    # Poster sends it when a sale with a client closes; its object_id is the client's.
    poster.add_sale("601", [LATTE], client_id="7")
    assert hook(world, poster_hook(601)).get_json() == {"status": "accept"}
    paid = hook(world, poster_hook(7, object_name="client_payed_sum"))
    assert paid.status_code == 200
    assert paid.get_json() == {"status": "accept"}
    world.process()

    assert world.cards("pos=poster:7")[0]["stamps"] == 1
    (ignored,) = world.inbound("ignored")
    assert ignored["result"] == {"reason": "object_not_used", "object": "client_payed_sum"}
    assert poster.count("dash.getTransaction") == 1  # only the transaction hook asked


def test_bad_hooks_get_problems_and_store_nothing(world: PosWorld) -> None:
    forged = poster_hook(101, secret="someone-else")
    assert_problem(hook(world, forged), 401, "bad_signature")
    tampered = {**poster_hook(101), "object_id": 102}
    assert_problem(hook(world, tampered), 401, "bad_signature")
    assert_problem(hook(world, poster_hook(101, account="another")), 401, "bad_signature")
    raw = world.client.post("/hooks/poster", data=b"{not json", content_type="application/json")
    assert_problem(raw, 400, "malformed_json")
    missing = {key: value for key, value in poster_hook(101).items() if key != "action"}
    assert_problem(hook(world, missing), 400, "malformed_webhook")
    listed = world.client.post("/hooks/poster", json=["a list"])
    assert_problem(listed, 400, "malformed_webhook")
    assert world.stored_events() == []


def test_a_new_application_secret_is_honoured_at_once(world: PosWorld) -> None:
    assert hook(world, poster_hook(11, object_name="client")).status_code == 200
    path = f"/v1/connections/{world.connection['id']}"
    patched = world.api.call("PATCH", path, world.key, json={"application_secret": "rotated"})
    assert patched.status_code == 200
    renewed = poster_hook(12, object_name="client", secret="rotated")
    assert hook(world, renewed).status_code == 200
    assert_problem(hook(world, poster_hook(13, object_name="client")), 401, "bad_signature")


def test_the_signature_covers_data_exactly_as_received(world: PosWorld) -> None:
    signed = poster_hook(9, object_name="client", data='{"a": 1}')
    assert hook(world, signed).status_code == 200
    spaced = {**signed, "data": '{"a":1}'}
    assert_problem(hook(world, spaced), 401, "bad_signature")
    empty = poster_hook(10, object_name="client", data="")
    assert hook(world, empty).status_code == 200


def test_connections_never_show_secrets_and_accounts_connect_once(
    world: PosWorld, poster: FakePoster
) -> None:
    shown = json.dumps(world.connection)
    assert APP_SECRET not in shown
    assert TOKEN not in shown
    assert world.connection["webhook_url"].endswith("/hooks/poster")
    again = world.api.call(
        "POST",
        "/v1/connections",
        world.key,
        json={
            "pos": "poster",
            "program_id": world.program["id"],
            "account": ACCOUNT.upper(),
            "application_secret": "x",
            "access_token": "y",
            "api_base_url": poster.base_url,
        },
    )
    assert_problem(again, 409, "connection_exists")
    wrong = world.api.call(
        "POST",
        "/v1/connections",
        world.key,
        json={"pos": "poster", "program_id": world.program["id"], "account": "other"},
    )
    assert_problem(wrong, 422, "validation_error")
    with world.app.extensions["stampgate"].session_factory() as session:
        from connectors.connections.models import PosConnection

        stored = session.scalars(select(PosConnection)).one().credentials
        assert APP_SECRET not in stored
        assert TOKEN not in stored


def test_embedded_mode_processes_hooks_in_the_background(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = connect(make_app(**poster_settings(poster), embedded_dispatcher=True), poster)
    poster.add_sale("701", [LATTE], client_id="7")
    assert hook(world, poster_hook(701)).status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not world.inbound("processed"):
        time.sleep(0.05)
    assert world.cards("pos=poster:7")[0]["stamps"] == 1


def test_poster_webhooks_are_not_registered_by_the_gateway(world: PosWorld) -> None:
    path = f"/v1/connections/{world.connection['id']}/register-webhook"
    assert_problem(world.api.call("POST", path, world.key), 409, "registration_not_supported")
