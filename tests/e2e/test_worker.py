"""Reliability of delivery with real Redis, real PostgreSQL and real ``stampgate worker``
processes: retries keep their webhook-id, a flushed Redis and a killed worker lose nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from tests.e2e.conftest import ADMIN, Workers
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.receiver import Receiver, running_receiver
from tests.support.sales import post_sale, sale_body
from webhooks.models import Delivery

pytestmark = pytest.mark.e2e


def shop(app: Flask, receiver: Receiver, event_types: list[str]) -> tuple[Api, dict[str, Any]]:
    api = Api(app.test_client(), ADMIN)
    merchant = api.create_merchant("Worker Cafe")
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    body = {"url": receiver.url, "event_types": event_types}
    assert (
        api.call("POST", "/v1/webhook-endpoints", merchant["api_key"], json=body).status_code == 201
    )
    return api, merchant


def statuses(app: Flask) -> dict[str, int]:
    with app.extensions["stampgate"].session_factory() as session:
        rows = session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        ).all()
    return {str(row[0]): int(row[1]) for row in rows}


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_retries_through_rq_keep_the_webhook_id(app: Flask, workers: Workers) -> None:
    with running_receiver((500, {}), (502, {}), (200, {})) as receiver:
        api, merchant = shop(app, receiver, ["sale.processed"])
        workers.start()
        post_sale(api, merchant, sale_body("T-1"))
        got = receiver.wait_for(3, timeout=30)
    assert len({request.headers["webhook-id"] for request in got}) == 1
    wait_until(lambda: statuses(app) == {"succeeded": 1}, 10, "the delivery to succeed")


def test_a_flushed_redis_loses_no_delivery(
    app: Flask, workers: Workers, redis_db: redis.Redis
) -> None:
    with running_receiver() as receiver:
        api, merchant = shop(app, receiver, ["sale.processed"])
        for n in range(10):  # enqueued on commit, but no worker runs yet
            post_sale(api, merchant, sale_body(f"T-{n}"))
        assert int(redis_db.dbsize()) > 0  # type: ignore[arg-type]
        redis_db.flushdb()
        workers.start()
        got = receiver.wait_for(10, timeout=40)
    assert len({request.headers["webhook-id"] for request in got}) == 10
    wait_until(lambda: statuses(app) == {"succeeded": 10}, 10, "every delivery to succeed")


def test_a_killed_worker_loses_no_delivery(app: Flask, workers: Workers) -> None:
    with running_receiver() as receiver:
        receiver.delay = 0.3  # slow enough that the kill lands mid-batch
        api, merchant = shop(app, receiver, ["sale.processed"])
        workers.start(processes=2)
        for n in range(20):
            post_sale(api, merchant, sale_body(f"T-{n}"))
        receiver.wait_for(3, timeout=30)
        workers.kill()
        delivered_before = len(receiver.requests)
        workers.start(processes=2)
        wait_until(lambda: statuses(app) == {"succeeded": 20}, 60, "every delivery to succeed")
        ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert delivered_before < 20
    assert len(ids) == 20  # each event at least once; a killed attempt may repeat one
