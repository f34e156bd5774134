"""Redis only wakes workers: a Redis that is down or frozen never holds a request, and the
sale it would have announced is still committed (the table is the queue)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.support.api import Api
from tests.support.own_services import OwnRedis, own_redis
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body

# Far longer than STAMPGATE_REDIS_TIMEOUT; a request still running then is held by Redis.
HANG_SECONDS = 15


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[OwnRedis]:
    with own_redis(tmp_path / "redis.log") as server:
        yield server


def sale_in_thread(api: Api, merchant: dict[str, Any]) -> TestResponse | None:
    """POST a sale from another thread; None when it did not finish in ``HANG_SECONDS``."""
    answers: list[TestResponse] = []
    thread = threading.Thread(
        target=lambda: answers.append(post_sale(api, merchant, sale_body("T-frozen"))),
        daemon=True,
    )
    thread.start()
    thread.join(HANG_SECONDS)
    return answers[0] if answers else None


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_a_sale_is_answered_while_redis_is_away(
    make_app: Callable[..., Flask], redis_server: OwnRedis, outage: str
) -> None:
    app = make_app(redis_url=redis_server.url, webhook_allowed_networks=("127.0.0.0/8",))
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    merchant = api.create_merchant("Redis Cafe")
    key = merchant["api_key"]
    api.call("POST", "/v1/programs", key, json=nine_stamp_card())
    # An endpoint, so that every sale has deliveries whose commit wakes a worker via Redis.
    endpoint = {"url": "http://127.0.0.1:9/hooks", "event_types": ["sale.processed"]}
    assert api.call("POST", "/v1/webhook-endpoints", key, json=endpoint).status_code == 201
    assert post_sale(api, merchant, sale_body("T-warm")).status_code == 201  # pool connected
    if outage == "stopped":
        redis_server.stop()
    else:
        redis_server.pause()
    try:
        answer = sale_in_thread(api, merchant)
    finally:
        if outage == "frozen":
            redis_server.resume()
    assert answer is not None, "the sale was held by Redis"
    assert answer.status_code == 201, answer.get_json()
    stored = api.call("GET", f"/v1/sales/{answer.get_json()['id']}", key)
    assert stored.get_json()["transaction_id"] == "T-frozen"
