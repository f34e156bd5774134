"""Deliveries that explain themselves: `retrying` while they retry, the endpoint's health, the
request each attempt sent (as the receiver got it), and the event behind a delivery."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.db import utcnow
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.receiver import Receiver, running_receiver
from tests.support.sales import post_sale, sale_body
from tests.support.webhooks import add_endpoint, deliver_all, deliverer_of
from webhooks.deliver import drain
from webhooks.states import DELIVERY_STATUSES, ENDPOINT_HEALTH, DeliveryStatus, EndpointHealth

# The headers an attempt shows: what identifies, signs and describes the request.
SHOWN_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}


def _deliveries(api: Api, merchant: dict[str, Any], endpoint_id: str, **query: Any) -> list[Any]:
    response = api.call(
        "GET",
        f"/v1/webhook-endpoints/{endpoint_id}/deliveries",
        merchant["api_key"],
        query_string=query,
    )
    assert response.status_code == 200, response.get_json()
    items: list[Any] = response.get_json()["items"]
    return items


def _get(api: Api, merchant: dict[str, Any], path: str) -> dict[str, Any]:
    response = api.call("GET", path, merchant["api_key"])
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


@pytest.mark.parametrize("retry_schedule", [(3600,)])  # one retry, an hour later
def test_a_failed_delivery_reads_retrying_until_its_next_attempt(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((503, {})) as down:
        endpoint = add_endpoint(hooks_api, shop, down.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        [waiting] = _deliveries(hooks_api, shop, endpoint["id"])
        assert (waiting["status"], waiting["attempt_count"]) == ("pending", 0)
        assert waiting["next_attempt_at"] is not None
        assert drain(deliverer_of(hooks_app)) == 1
        assert drain(deliverer_of(hooks_app)) == 0  # the retry is an hour away
        down.wait_for(1)
    [retrying] = _deliveries(hooks_api, shop, endpoint["id"])
    assert (retrying["status"], retrying["attempt_count"]) == ("retrying", 1)
    assert retrying["last_status_code"] == 503
    next_attempt = datetime.fromisoformat(retrying["next_attempt_at"])
    assert timedelta(minutes=45) < next_attempt - utcnow() < timedelta(minutes=75)
    assert retrying["next_attempt_at"].endswith("Z")
    for status, expected in [
        ("retrying", [retrying["id"]]),
        ("pending", []),
        ("failed", []),
        ("exhausted", []),
    ]:
        items = _deliveries(hooks_api, shop, endpoint["id"], status=status)
        assert _ids(items) == expected, status


def test_status_filters_separate_given_up_exhausted_and_succeeded(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with (
        running_receiver((410, {})) as gone,
        running_receiver((500, {})) as broken,
        running_receiver() as fine,
    ):
        endpoints = {
            name: add_endpoint(hooks_api, shop, server.url, event_types=["sale.processed"])
            for name, server in [("gone", gone), ("broken", broken), ("fine", fine)]
        }
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
    expected = {"gone": "failed", "broken": "exhausted", "fine": "succeeded"}
    for name, status in expected.items():
        endpoint_id = endpoints[name]["id"]
        [delivery] = _deliveries(hooks_api, shop, endpoint_id)
        assert delivery["status"] == status, name
        assert delivery["next_attempt_at"] is None
        assert _ids(_deliveries(hooks_api, shop, endpoint_id, status=status)) == [delivery["id"]]
        others = {"failed", "exhausted", "succeeded", "retrying", "pending"} - {status}
        for other in others:
            assert _deliveries(hooks_api, shop, endpoint_id, status=other) == [], (name, other)
    refused = hooks_api.call(
        "GET",
        f"/v1/webhook-endpoints/{endpoints['fine']['id']}/deliveries",
        shop["api_key"],
        query_string={"status": "delivered"},
    )
    assert_problem(refused, 422, "validation_error")


def test_the_endpoint_shows_it_is_failing_and_recovers(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((500, {}), (500, {}), (500, {}), (200, {})) as flaky:
        endpoint = add_endpoint(hooks_api, shop, flaky.url, event_types=["sale.processed"])
        path = f"/v1/webhook-endpoints/{endpoint['id']}"
        assert (endpoint["health"], endpoint["failing_since"]) == ("healthy", None)
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        one = _get(hooks_api, shop, path)
        [listed] = _get(hooks_api, shop, "/v1/webhook-endpoints")["items"]
        for shown in (one, listed):
            assert (shown["status"], shown["health"]) == ("enabled", "failing")
            assert shown["failing_since"].endswith("Z")
        post_sale(hooks_api, shop, sale_body("T-2"))
        deliver_all(hooks_app)
        flaky.wait_for(4)
    healed = _get(hooks_api, shop, path)
    assert (healed["status"], healed["health"], healed["failing_since"]) == (
        "enabled",
        "healthy",
        None,
    )


def test_each_attempt_shows_the_request_exactly_as_the_receiver_got_it(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver((500, {}), (200, {})) as flaky:
        flaky.answer_body = "Überlastet".encode()
        endpoint = add_endpoint(hooks_api, shop, flaky.url, event_types=["sale.processed"])
        hooks_api.call(
            "POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", shop["api_key"]
        )
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        received = flaky.wait_for(2)
    [delivery] = _deliveries(hooks_api, shop, endpoint["id"])
    detail = _get(hooks_api, shop, f"/v1/deliveries/{delivery['id']}")
    assert "attempt_log" not in detail
    assert detail["attempt_count"] == len(detail["attempts"]) == 2
    for attempt, got in zip(detail["attempts"], received, strict=True):
        request = attempt["request"]
        assert request["url"] == flaky.url
        assert request["body"].encode() == got.body
        assert set(request["headers"]) == {*SHOWN_HEADERS, "user-agent"}
        sent = {name.lower(): value for name, value in got.headers.items()}
        assert {name: sent[name] for name in request["headers"]} == request["headers"]
        assert len(request["headers"]["webhook-signature"].split(" ")) == 2
        assert attempt["response"]["body"] == "Überlastet"
        assert attempt["response"]["body_truncated"] is False
        assert attempt["duration_ms"] >= 0
        assert attempt["error"] is None
    assert [a["response"]["status_code"] for a in detail["attempts"]] == [500, 200]
    secrets = [endpoint["secret"], endpoint["secret"].removeprefix("whsec_")]
    assert not any(secret in json.dumps(detail) for secret in secrets)


def test_an_attempt_that_sent_nothing_shows_no_request_and_says_why(
    make_app: Callable[..., Flask], hooks_api: Api, shop: dict[str, Any], receiver: Receiver
) -> None:
    endpoint = add_endpoint(hooks_api, shop, receiver.url, event_types=["sale.processed"])
    post_sale(hooks_api, shop, sale_body("T-1"))
    strict = make_app(webhook_allowed_networks=(), webhook_retry_schedule=(0,))
    drain(deliverer_of(strict))
    assert receiver.requests == []
    [delivery] = _deliveries(hooks_api, shop, endpoint["id"])
    [attempt] = _get(hooks_api, shop, f"/v1/deliveries/{delivery['id']}")["attempts"]
    assert (attempt["request"], attempt["response"]) == (None, None)
    assert "url not allowed" in attempt["error"]


def test_an_unanswered_attempt_shows_its_request_and_the_error(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver() as gone_away:
        url = gone_away.url
    endpoint = add_endpoint(hooks_api, shop, url, event_types=["sale.processed"])
    post_sale(hooks_api, shop, sale_body("T-1"))
    deliver_all(hooks_app)
    [delivery] = _deliveries(hooks_api, shop, endpoint["id"])
    attempts = _get(hooks_api, shop, f"/v1/deliveries/{delivery['id']}")["attempts"]
    assert len(attempts) == 3
    for attempt in attempts:
        assert attempt["response"] is None
        assert attempt["request"]["url"] == url
        assert "Connection" in attempt["error"]


def test_an_event_reads_as_the_body_its_deliveries_sent(
    hooks_app: Flask, hooks_api: Api, shop: dict[str, Any]
) -> None:
    with running_receiver() as first, running_receiver((410, {})) as second:
        one = add_endpoint(hooks_api, shop, first.url, event_types=["sale.processed"])
        other = add_endpoint(hooks_api, shop, second.url, event_types=["sale.processed"])
        post_sale(hooks_api, shop, sale_body("T-1"))
        deliver_all(hooks_app)
        [got] = first.wait_for(1)
    delivered = json.loads(got.body)
    event = _get(hooks_api, shop, f"/v1/events/{delivered['id']}")
    deliveries = event.pop("deliveries")
    assert event == delivered
    assert list(event) == list(delivered)  # the same fields, in the order sent
    assert sorted(
        (d["endpoint_id"], d["status"], d["attempt_count"]) for d in deliveries
    ) == sorted([(one["id"], "succeeded", 1), (other["id"], "failed", 1)])
    [mine] = _deliveries(hooks_api, shop, one["id"])
    assert mine["id"] in _ids(deliveries)
    detail = _get(hooks_api, shop, f"/v1/deliveries/{mine['id']}")
    assert detail["event_id"] == event["id"]
    assert detail["attempts"][0]["request"]["body"].encode() == got.body


def test_an_unknown_or_other_merchants_event_is_not_found(
    hooks_api: Api, shop: dict[str, Any]
) -> None:
    post_sale(hooks_api, shop, sale_body("T-1"))
    event_id = hooks_api.call("GET", "/v1/events", shop["api_key"]).get_json()["items"][0]["id"]
    stranger = hooks_api.create_merchant("Stranger")
    for key, path in [
        (stranger["api_key"], f"/v1/events/{event_id}"),
        (shop["api_key"], "/v1/events/evt_unknown"),
    ]:
        assert_problem(hooks_api.call("GET", path, key), 404, "not_found")


def test_every_delivery_status_and_health_is_documented(client: FlaskClient) -> None:
    assert list(DELIVERY_STATUSES) == list(get_args(DeliveryStatus))
    assert list(ENDPOINT_HEALTH) == list(get_args(EndpointHealth))
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    documented: list[tuple[str, str, Mapping[Any, str]]] = [
        ("DeliveryOut", "status", DELIVERY_STATUSES),
        ("DeliveryDetail", "status", DELIVERY_STATUSES),
        ("EndpointOut", "health", ENDPOINT_HEALTH),
    ]
    for model, field, values in documented:
        spec = schemas[model]["properties"][field]
        assert spec["enum"] == list(values), model
        for value, meaning in values.items():
            assert f"`{value}`: {meaning}" in spec["description"], (model, value)
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for status in DELIVERY_STATUSES:
        assert f"| `{status}` |" in readme, status
