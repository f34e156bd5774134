"""Reliability of delivery with real Redis, real PostgreSQL and real ``stampgate worker``
processes: retries keep their webhook-id, a flushed Redis and a killed worker lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from gateway import create_app, migrate
from gateway.config import Settings
from tests.e2e.conftest import gateway_command
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.receiver import Receiver, running_receiver
from tests.support.sales import post_sale, sale_body
from tests.support.services import REDIS_URL, fresh_postgres_database, redis_client
from webhooks.models import Delivery

pytestmark = pytest.mark.e2e
ADMIN = "e2e-admin-token"


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    """The test Redis database, empty before and after."""
    client = redis_client()
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def settings(redis_db: redis.Redis) -> Iterator[Settings]:
    """A fresh PostgreSQL database and the test Redis; 1 s attempts so leases are short."""
    del redis_db
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        yield Settings(
            database_url=url,
            redis_url=REDIS_URL,
            admin_token=ADMIN,
            secret_key="e2e",
            webhook_allowed_networks=("127.0.0.0/8",),
            webhook_timeout=1.0,
            webhook_retry_schedule=(1, 1, 1),
            embedded_dispatcher=False,
        )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    yield application
    application.extensions["stampgate"].close()


class Workers:
    """``stampgate worker`` as a process group that can be killed outright."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, processes: int = 2) -> None:
        env = {
            **os.environ,
            "STAMPGATE_DATABASE_URL": self.settings.database_url,
            "STAMPGATE_REDIS_URL": REDIS_URL,
            "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "STAMPGATE_WEBHOOK_TIMEOUT": "1",
            "STAMPGATE_WEBHOOK_RETRY_SCHEDULE": "1,1,1",
            "STAMPGATE_SECRET_KEY": "e2e",
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                gateway_command("worker", "--processes", str(processes)),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, jobs in hand are lost."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(settings, tmp_path / "worker.log")
    yield running
    running.stop()


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
