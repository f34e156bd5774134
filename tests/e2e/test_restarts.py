"""Restarts under load, against a real gunicorn of the gateway: a PostgreSQL cluster of the
test's own is stopped and started while sales and Poster hooks arrive, and so is a Redis of
its own while webhooks are being delivered by ``stampgate worker``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, select

from connectors.inbox.models import InboundEvent
from gateway import migrate
from gateway.config import Settings
from gateway.loyalty.sales.models import Sale
from tests.e2e.conftest import Server, Workers
from tests.support.fake_poster import APP_SECRET, running_poster, token_for
from tests.support.load import Outcome, Traffic
from tests.support.own_services import own_postgres, own_redis
from tests.support.programs import nine_stamp_card
from tests.support.receiver import Receiver, running_receiver
from tests.support.services import fresh_postgres_database

# Sales must be answered within the client's wait during an outage: with no other test's
# processes on the CPUs, so that a slow answer means a hang and not a busy machine.
pytestmark = [pytest.mark.e2e, pytest.mark.alone]

ADMIN = "chaos-admin-token"
OUTAGE_SECONDS = 2.0
# Redis away for longer than this must not hold a sale: it is answered in time, or it is a hang.
REDIS_CLIENT_TIMEOUT = (2.0, 4.0)
ACCOUNT = "chaos-cafe"


def acknowledged(outcome: Outcome) -> bool:
    """A 201 sale or a 200 hook: the gateway promised to keep it."""
    return (outcome.kind, outcome.status) in {("sale", 201), ("hook", 200)}


def _post(base_url: str, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    response = requests.post(f"{base_url}{path}", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def provision(base_url: str, poster_url: str | None = None) -> str:
    """A merchant with a program (and a Poster connection); returns its API key."""
    body = {"name": "Chaos Cafe", "currency": "EUR", "timezone": "Europe/Kyiv"}
    merchant = _post(base_url, "/admin/v1/merchants", ADMIN, body)
    key: str = merchant["api_key"]
    program = _post(base_url, "/v1/programs", key, nine_stamp_card())
    if poster_url is not None:
        connection = {
            "pos": "poster",
            "program_id": program["id"],
            "account": ACCOUNT,
            "application_secret": APP_SECRET,
            "access_token": token_for(ACCOUNT),
            "api_base_url": poster_url,
        }
        _post(base_url, "/v1/connections", key, connection)
    return key


def stored(database_url: str) -> tuple[set[str], set[str]]:
    """Transaction ids of the stored sales, object ids of the stored hooks."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            sales = set(connection.scalars(select(Sale.transaction_id)))
            hooks = set(connection.scalars(select(InboundEvent.object_id)))
    finally:
        engine.dispose()
    return sales, {hook for hook in hooks if hook is not None}


@pytest.mark.parametrize("mode", ["fast", "immediate"])  # a clean restart, and a crash
def test_a_postgresql_restart_under_load_loses_nothing_acknowledged_and_answers_503(
    start_server: Callable[..., Server], mode: str
) -> None:
    with running_poster() as poster, own_postgres() as cluster:
        migrate.upgrade(cluster.url)
        server = start_server(
            {
                "STAMPGATE_DATABASE_URL": cluster.url,
                "STAMPGATE_ADMIN_TOKEN": ADMIN,
                "STAMPGATE_SECRET_KEY": "chaos-secret",
                "STAMPGATE_EMBEDDED_DISPATCHER": "false",  # only what is acknowledged matters
                "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
                "STAMPGATE_POSTER_API_URL": poster.base_url,
            }
        )
        traffic = Traffic(server.base_url, provision(server.base_url, poster.base_url), ACCOUNT)
        traffic.start()
        try:
            traffic.wait_for(acknowledged, 20, timeout=30)
            cluster.stop(mode)
            time.sleep(OUTAGE_SECONDS)  # traffic goes on against the stopped database
            cluster.start()
            restarted = time.monotonic()
            traffic.wait_for(lambda o: acknowledged(o) and o.at > restarted, 20, timeout=30)
        finally:
            outcomes = traffic.stop()
        sales, hooks = stored(cluster.url)
    acked_sales = {o.ident for o in outcomes if o.kind == "sale" and acknowledged(o)}
    acked_hooks = {o.ident for o in outcomes if o.kind == "hook" and acknowledged(o)}
    print(  # the figures the CI note quotes
        f"postgresql {mode} restart: sent {len(outcomes)}, {dict(traffic.summary())}; found "
        f"{len(acked_sales & sales)}/{len(acked_sales)} sales, "
        f"{len(acked_hooks & hooks)}/{len(acked_hooks)} hooks"
    )
    assert server.process.poll() is None, "the gateway itself was not restarted"
    assert {o.status for o in outcomes} <= {200, 201, 503}, traffic.summary()
    refused = [o for o in outcomes if o.status == 503]
    assert refused, "the outage was not seen"
    for outcome in refused:
        assert outcome.content_type == "application/problem+json", outcome
        assert outcome.code == "database_unavailable", outcome
        assert int(outcome.retry_after or "0") > 0, outcome
    assert acked_sales <= sales
    assert acked_hooks <= hooks


def delivered_sales(receiver: Receiver) -> set[str]:
    """Transaction ids of the ``sale.processed`` events the receiver got."""
    return {
        json.loads(request.body)["data"]["transaction_id"] for request in list(receiver.requests)
    }


def test_a_redis_restart_under_load_keeps_the_api_serving_and_deliveries_resume(
    start_server: Callable[..., Server], tmp_path: Path
) -> None:
    with (
        running_receiver() as receiver,
        own_redis(tmp_path / "redis.log") as own,
        fresh_postgres_database() as url,
    ):
        migrate.upgrade(url)
        settings = Settings(database_url=url, redis_url=own.url, secret_key="e2e")
        server = start_server(
            {
                "STAMPGATE_DATABASE_URL": url,
                "STAMPGATE_REDIS_URL": own.url,
                "STAMPGATE_ADMIN_TOKEN": ADMIN,
                "STAMPGATE_SECRET_KEY": "e2e",
                "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            }
        )
        key = provision(server.base_url)
        endpoint = {"url": receiver.url, "event_types": ["sale.processed"]}
        _post(server.base_url, "/v1/webhook-endpoints", key, endpoint)
        workers = Workers(settings, tmp_path / "worker.log")
        workers.start()
        traffic = Traffic(server.base_url, key, timeout=REDIS_CLIENT_TIMEOUT)
        try:
            traffic.start()
            traffic.wait_for(acknowledged, 10, timeout=30)
            receiver.wait_for(1, timeout=30)
            outage(traffic, own.stop, own.start)  # down: refused connections, keys lost
            outage(traffic, own.pause, own.resume)  # frozen: connections that never answer
            outcomes = traffic.stop()
            sold = {o.ident for o in outcomes if acknowledged(o)}
            deadline = time.monotonic() + 40
            while not sold <= delivered_sales(receiver) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            traffic.stop()
            workers.stop()
    delivered = delivered_sales(receiver)
    print(  # the figures the CI note quotes
        f"redis stop/start and pause/resume: sent {len(outcomes)}, {dict(traffic.summary())}; "
        f"delivered {len(sold & delivered)}/{len(sold)} sale.processed"
    )
    assert server.process.poll() is None, "the gateway itself was not restarted"
    assert {o.status for o in outcomes} == {201}, traffic.summary()
    assert sold <= delivered, f"{len(sold - delivered)} sales were never delivered"


def outage(traffic: Traffic, begin: Callable[[], None], end: Callable[[], None]) -> None:
    """Hold Redis away for longer than a client waits, with sales going on; then back."""
    begin()
    began = time.monotonic()
    try:
        traffic.wait_for(lambda o: o.at > began, 5, timeout=30)
        time.sleep(max(0.0, began + sum(REDIS_CLIENT_TIMEOUT) + 1 - time.monotonic()))
    finally:
        end()
    back = time.monotonic()
    traffic.wait_for(lambda o: acknowledged(o) and o.at > back, 10, timeout=30)
