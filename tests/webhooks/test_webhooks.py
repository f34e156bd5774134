"""Outbound webhooks end to end: endpoints, signed deliveries to a real receiver, retries,
410, redirects, rotation, test events, recovery, failing endpoints, embedded delivery."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from importlib.metadata import version
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from gateway.db import utcnow
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.receiver import Receiver, running_receiver
from tests.support.sales import post_sale, sale_body
from tests.support.webhooks import LOOPBACK, add_endpoint, deliver_all, deliverer_of, verify
from webhooks.deliver import drain
from webhooks.models import Delivery, WebhookEndpoint


def test_endpoint_lifecycle(hooks_api: Api, shop: dict[str, Any], receiver: Receiver) -> None:
    key = shop["api_key"]
    created = add_endpoint(
        hooks_api, shop, receiver.url, event_types=["sale.processed"], description="till"
    )
    assert created["id"].startswith("whe_")
    assert created["secret"].startswith("whsec_")
    assert created["status"] == "enabled"
    path = f"/v1/webhook-endpoints/{created['id']}"
    read = hooks_api.call("GET", path, key).get_json()
    assert "secret" not in read
    assert hooks_api.call("GET", f"{path}/secret", key).get_json() == {"secret": created["secret"]}
    patched = hooks_api.call(
        "PATCH", path, key, json={"event_types": None, "description": "all"}
    ).get_json()
    assert (patched["event_types"], patched["description"]) == (None, "all")
    assert [
        item["id"]
        for item in hooks_api.call("GET", "/v1/webhook-endpoints", key).get_json()["items"]
    ] == [created["id"]]
    assert hooks_api.call("DELETE", path, key).status_code == 204
    assert_problem(hooks_api.call("GET", path, key), 404, "not_found")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/hooks",
        "http://169.254.169.254/latest/meta-data",
        "ftp://example.org/x",
        "https://[::1]/x",
    ],
)
def test_urls_that_could_reach_inside_are_refused(
    api: Api, merchant: dict[str, Any], url: str
) -> None:
    response = api.call("POST", "/v1/webhook-endpoints", merchant["api_key"], json={"url": url})
    assert_problem(response, 422, "url_not_allowed")


def test_unknown_event_types_are_refused(
    hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    response = hooks_api.call(
        "POST",
        "/v1/webhook-endpoints",
        shop["api_key"],
        json={"url": receiver.url, "event_types": ["sale.eaten"]},
    )
    assert_problem(response, 422, "validation_error")


def test_a_sale_is_delivered_signed_to_every_matching_endpoint(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver() as everything, running_receiver() as sales_only:
        all_types = add_endpoint(hooks_api, shop, everything.url)
        filtered = add_endpoint(hooks_api, shop, sales_only.url, event_types=["sale.processed"])
        sale = post_sale(hooks_api, shop, sale_body("T-1")).get_json()
        deliver_all(hooks_app)
        got_all = everything.wait_for(3)
        got_sales = sales_only.wait_for(1)
    types = [verify(request, all_types["secret"])["type"] for request in got_all]
    assert sorted(types) == ["card.created", "card.stamped", "sale.processed"]
    payload = verify(got_sales[0], filtered["secret"])
    assert payload["type"] == "sale.processed"
    assert payload["merchant_id"] == shop["id"]
    assert payload["data"]["id"] == sale["id"]
    assert payload["id"] == got_sales[0].headers["webhook-id"]
    assert payload["timestamp"].endswith("Z")
    assert len(got_sales) == 1


def test_a_receiver_failing_twice_gets_the_same_webhook_id_each_time(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((500, {}), (503, {}), (200, {})) as flaky:
        endpoint = add_endpoint(hooks_api, shop, flaky.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        requests = flaky.wait_for(3)
    assert len({request.headers["webhook-id"] for request in requests}) == 1
    for request in requests:
        verify(request, endpoint["secret"])
    deliveries = hooks_api.call(
        "GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", shop["api_key"]
    ).get_json()["items"]
    assert [(d["status"], d["attempt_count"]) for d in deliveries] == [("succeeded", 3)]
    detail = hooks_api.call(
        "GET", f"/v1/deliveries/{deliveries[0]['id']}", shop["api_key"]
    ).get_json()
    assert [a["response"]["status_code"] for a in detail["attempts"]] == [500, 503, 200]
    assert [a["outcome"] for a in detail["attempts"]] == ["retrying", "retrying", "succeeded"]
    assert detail["attempts"][0]["response"]["body"] == "ok"


def test_deliveries_are_exhausted_after_the_schedule(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((500, {})) as broken:
        endpoint = add_endpoint(hooks_api, shop, broken.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        assert len(broken.wait_for(3)) == 3  # the first attempt and the schedule's two retries
    deliveries = hooks_api.call(
        "GET",
        f"/v1/webhook-endpoints/{endpoint['id']}/deliveries",
        shop["api_key"],
        query_string={"status": "exhausted"},
    ).get_json()["items"]
    assert [d["attempt_count"] for d in deliveries] == [3]
    again = hooks_api.call("POST", f"/v1/deliveries/{deliveries[0]['id']}/retry", shop["api_key"])
    assert again.status_code == 202
    assert (again.get_json()["status"], again.get_json()["attempt_count"]) == ("retrying", 3)
    assert again.get_json()["next_attempt_at"] is not None


def test_a_redirect_is_a_failure_and_is_not_followed(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((302, {"Location": "http://127.0.0.1:1/elsewhere"})) as moved:
        endpoint = add_endpoint(hooks_api, shop, moved.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        assert len(moved.wait_for(3)) == 3
    items = hooks_api.call(
        "GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", shop["api_key"]
    ).get_json()
    assert items["items"][0]["last_status_code"] == 302


def test_410_disables_the_endpoint_and_tells_the_others(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((410, {})) as gone, running_receiver() as other:
        doomed = add_endpoint(hooks_api, shop, gone.url, event_types=["sale.processed"])
        watcher = add_endpoint(hooks_api, shop, other.url, event_types=["endpoint.disabled"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        assert len(gone.wait_for(1)) == 1
        notice = verify(other.wait_for(1)[0], watcher["secret"])
    assert notice["type"] == "endpoint.disabled"
    assert notice["data"]["endpoint_id"] == doomed["id"]
    read = hooks_api.call(
        "GET", f"/v1/webhook-endpoints/{doomed['id']}", shop["api_key"]
    ).get_json()
    assert (read["status"], read["health"]) == ("disabled", "failing")
    assert "410" in read["disabled_reason"]
    post_sale(hooks_api, shop, sale_body("T-2"))
    deliver_all(hooks_app)
    assert len(gone.requests) == 1


def test_rotation_signs_with_both_secrets_during_the_grace_period(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    endpoint = add_endpoint(hooks_api, shop, receiver.url, event_types=["sale.processed"])
    rotated = hooks_api.call(
        "POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", shop["api_key"]
    ).get_json()
    assert rotated["secret"] != endpoint["secret"]
    post_sale(hooks_api, shop, sale_body("T-1"))
    deliver_all(hooks_app)
    request = receiver.wait_for(1)[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verify(request, endpoint["secret"]) == verify(request, rotated["secret"])


def test_the_test_event_reaches_a_filtered_endpoint(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    endpoint = add_endpoint(hooks_api, shop, receiver.url, event_types=["voucher.redeemed"])
    accepted = hooks_api.call(
        "POST", f"/v1/webhook-endpoints/{endpoint['id']}/test", shop["api_key"]
    )
    assert accepted.status_code == 202
    deliver_all(hooks_app)
    payload = verify(receiver.wait_for(1)[0], endpoint["secret"])
    assert (payload["type"], payload["data"]["endpoint_id"]) == ("webhook.test", endpoint["id"])


def test_recover_and_retry_send_failed_deliveries_again(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((500, {}), (500, {}), (500, {}), (200, {})) as recovering:
        endpoint = add_endpoint(hooks_api, shop, recovering.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        recovering.wait_for(3)
        since = (utcnow() - timedelta(hours=1)).isoformat()
        recovered = hooks_api.call(
            "POST",
            f"/v1/webhook-endpoints/{endpoint['id']}/recover",
            shop["api_key"],
            json={"since": since},
        )
        assert (recovered.status_code, recovered.get_json()["deliveries"]) == (202, 1)
        deliver_all(hooks_app)
        assert len(recovering.wait_for(4)) == 4
        delivery_id = recovered.get_json()["delivery_ids"][0]
        assert (
            hooks_api.call("GET", f"/v1/deliveries/{delivery_id}", shop["api_key"]).get_json()[
                "status"
            ]
            == "succeeded"
        )
        replay = hooks_api.call("POST", f"/v1/deliveries/{delivery_id}/retry", shop["api_key"])
        assert replay.status_code == 202
        deliver_all(hooks_app)
        assert len(recovering.wait_for(5)) == 5


def test_a_day_of_failures_is_announced_and_five_days_disable(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((500, {})) as failing, running_receiver() as watcher_receiver:
        endpoint = add_endpoint(hooks_api, shop, failing.url, event_types=["sale.processed"])
        watcher = add_endpoint(
            hooks_api,
            shop,
            watcher_receiver.url,
            event_types=["endpoint.failing", "endpoint.disabled"],
        )
        session_factory = hooks_app.extensions["stampgate"].session_factory
        with session_factory() as session:
            row = session.get(WebhookEndpoint, endpoint["id"])
            assert row is not None
            row.failing_since = utcnow() - timedelta(hours=25)
            session.commit()
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        first = verify(watcher_receiver.wait_for(1)[0], watcher["secret"])
        assert (first["type"], first["data"]["endpoint_id"]) == ("endpoint.failing", endpoint["id"])
        with session_factory() as session:
            row = session.get(WebhookEndpoint, endpoint["id"])
            assert row is not None
            row.failing_since = utcnow() - timedelta(days=6)
            session.commit()
        post_sale(hooks_api, shop, sale_body("T-2"))
        deliver_all(hooks_app)
        second = verify(watcher_receiver.wait_for(2)[1], watcher["secret"])
        assert second["type"] == "endpoint.disabled"
    read = hooks_api.call(
        "GET", f"/v1/webhook-endpoints/{endpoint['id']}", shop["api_key"]
    ).get_json()
    assert read["status"] == "disabled"
    enabled = hooks_api.call(
        "PATCH",
        f"/v1/webhook-endpoints/{endpoint['id']}",
        shop["api_key"],
        json={"status": "enabled"},
    )
    assert enabled.get_json()["recover_since"] is not None


def test_embedded_mode_delivers_from_a_background_thread(make_app: Callable[..., Flask]) -> None:
    app = make_app(webhook_allowed_networks=LOOPBACK, embedded_dispatcher=True)
    api = Api(app.test_client(), "test-admin-token")
    merchant = api.create_merchant("Embedded Cafe")
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    with running_receiver() as server:
        endpoint = add_endpoint(api, merchant, server.url, event_types=["sale.processed"])
        started = time.monotonic()
        post_sale(api, merchant, sale_body("T-1"))
        payload = verify(server.wait_for(1, timeout=10)[0], endpoint["secret"])
        lag = time.monotonic() - started
    assert payload["type"] == "sale.processed"
    assert lag < 5, f"first attempt took {lag:.2f}s"
    # The receiver answers before the thread records the attempt: give it a moment.
    deadline = time.monotonic() + 5
    while True:
        with app.extensions["stampgate"].session_factory() as session:
            statuses = list(session.scalars(select(Delivery.status)))
        if statuses == ["succeeded"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert statuses == ["succeeded"]


def test_deliveries_of_another_merchant_are_invisible(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    endpoint = add_endpoint(hooks_api, shop, receiver.url)
    stranger = hooks_api.create_merchant("Stranger")
    for method, path in [
        ("GET", f"/v1/webhook-endpoints/{endpoint['id']}"),
        ("GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"),
        ("POST", f"/v1/webhook-endpoints/{endpoint['id']}/test"),
    ]:
        assert_problem(hooks_api.call(method, path, stranger["api_key"]), 404, "not_found")
    assert (
        json.dumps(
            hooks_api.call("GET", "/v1/webhook-endpoints", stranger["api_key"]).get_json()["items"]
        )
        == "[]"
    )


def test_only_the_first_2kb_of_an_answer_are_read_and_kept(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    receiver.answer_body = b"x" * (5 * 1024 * 1024)
    endpoint = add_endpoint(hooks_api, shop, receiver.url, event_types=["sale.processed"])
    post_sale(hooks_api, shop, sale_body("T-1"))
    deliver_all(hooks_app)
    deliveries = hooks_api.call(
        "GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", shop["api_key"]
    ).get_json()["items"]
    detail = hooks_api.call(
        "GET", f"/v1/deliveries/{deliveries[0]['id']}", shop["api_key"]
    ).get_json()
    assert detail["status"] == "succeeded"
    response = detail["attempts"][0]["response"]
    assert (len(response["body"]), response["body_truncated"]) == (2048, True)


def test_signing_secrets_are_stored_sealed(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    endpoint = add_endpoint(hooks_api, shop, "http://127.0.0.1:9/hooks")
    rotated = hooks_api.call(
        "POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", shop["api_key"]
    )
    with hooks_app.extensions["stampgate"].session_factory() as session:
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        stored = [row.secret, row.previous_secret or ""]
    for plaintext in (endpoint["secret"], rotated.get_json()["secret"]):
        assert all(plaintext not in value and plaintext[6:] not in value for value in stored)


def test_a_changed_secret_key_fails_attempts_clearly(
    make_app: Callable[..., Flask], hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    endpoint = add_endpoint(hooks_api, shop, receiver.url, event_types=["sale.processed"])
    post_sale(hooks_api, shop, sale_body("T-1"))
    rekeyed = make_app(webhook_allowed_networks=LOOPBACK, secret_key="another-key")
    drain(deliverer_of(rekeyed))
    assert receiver.requests == []
    delivery = hooks_api.call(
        "GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", shop["api_key"]
    ).get_json()["items"][0]
    assert "STAMPGATE_SECRET_KEY" in delivery["last_error"]
    secret = Api(rekeyed.test_client(), "test-admin-token").call(
        "GET", f"/v1/webhook-endpoints/{endpoint['id']}/secret", shop["api_key"]
    )
    assert_problem(secret, 409, "secret_unreadable")


@pytest.mark.parametrize(
    ("url", "setting"),
    [
        ("http://127.0.0.1:9000/hooks", "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS"),
        ("http://10.0.0.7/hooks", "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS"),
        ("http://93.184.215.14/hooks", "STAMPGATE_WEBHOOK_REQUIRE_HTTPS=false"),
    ],
)
def test_a_refused_url_names_the_setting_that_would_allow_it(
    api: Api, merchant: dict[str, Any], url: str, setting: str
) -> None:
    response = api.call("POST", "/v1/webhook-endpoints", merchant["api_key"], json={"url": url})
    body = assert_problem(response, 422, "url_not_allowed")
    assert body["detail"].startswith("This URL cannot receive webhooks: ")
    assert setting in body["detail"]


def test_a_url_no_setting_allows_names_none(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "POST", "/v1/webhook-endpoints", merchant["api_key"], json={"url": "ftp://example.org/x"}
    )
    body = assert_problem(response, 422, "url_not_allowed")
    assert "STAMPGATE_" not in body["detail"]


def test_deliveries_name_the_gateway_as_their_user_agent(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver() as receiver:
        add_endpoint(hooks_api, shop, receiver.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-UA"))
        deliver_all(hooks_app)
        [got] = receiver.wait_for(1)
    assert got.headers["User-Agent"] == f"stampgate/{version('stampgate')}"
