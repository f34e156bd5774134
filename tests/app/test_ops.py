"""Liveness, readiness, metrics, request ids and structured logs."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.observability.logs import JsonFormatter
from tests.support.problems import assert_problem
from tests.support.services import REDIS_URL, redis_client


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_checks_the_database(client: FlaskClient) -> None:
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"database": "ok"}}


def test_readyz_checks_redis_when_configured(make_app: Callable[..., Flask]) -> None:
    redis_client()
    app = make_app(redis_url=REDIS_URL)
    body = app.test_client().get("/readyz").get_json()
    assert body == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_readyz_is_503_when_redis_is_unreachable(make_app: Callable[..., Flask]) -> None:
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    app = make_app(redis_url=url)
    body = assert_problem(app.test_client().get("/readyz"), 503, "not_ready")
    assert body["checks"] == {"database": "ok", "redis": "unreachable"}


def test_readyz_is_503_when_the_database_is_unreachable(make_app: Callable[..., Flask]) -> None:
    app = make_app(database_url=f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none")
    body = assert_problem(app.test_client().get("/readyz"), 503, "not_ready")
    assert body["checks"] == {"database": "unreachable"}


def _sample(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in metrics.splitlines():
        if line.startswith(f"{name}{{") and _labels_of(line) == wanted:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _labels_of(line: str) -> str:
    inside = line[line.index("{") + 1 : line.index("}")]
    return ",".join(sorted(inside.split(",")))


def test_metrics_count_requests_by_route_template_and_status(client: FlaskClient) -> None:
    for _ in range(3):
        client.get("/healthz")
    client.get("/admin/v1/merchants/mer_1")
    client.get("/admin/v1/merchants/mer_2")
    client.get("/no/such/route")
    text = client.get("/metrics").get_data(as_text=True)
    total = "stampgate_http_requests_total"
    assert _sample(text, total, method="GET", route="/healthz", status="200") == 3
    assert _sample(text, total, method="GET", route="unmatched", status="404") == 1
    route = "/admin/v1/merchants/<merchant_id>"
    assert _sample(text, total, method="GET", route=route, status="401") == 2
    count = "stampgate_http_request_duration_seconds_count"
    assert _sample(text, count, method="GET", route="/healthz") == 3


def test_request_id_is_generated_and_returned(client: FlaskClient) -> None:
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert len(first) == 32
    assert first != second


def test_a_sane_incoming_request_id_is_kept(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": "pos-req-12345678"})
    assert response.headers["X-Request-Id"] == "pos-req-12345678"


@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "x" * 200, "inject\u2028line"])
def test_an_unsafe_incoming_request_id_is_replaced(client: FlaskClient, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": incoming})
    assert response.headers["X-Request-Id"] != incoming


def test_error_responses_carry_the_request_id(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"X-Request-Id": "trace-00000001"})
    assert response.headers["X-Request-Id"] == "trace-00000001"


def test_logs_are_json_with_the_request_id(app: Flask) -> None:
    with app.test_request_context("/healthz", headers={"X-Request-Id": "trace-00000002"}):
        app.preprocess_request()
        record = logging.makeLogRecord(
            {"msg": "hello %s", "args": ("world",), "levelname": "INFO", "name": "t"}
        )
        record.__dict__["sale_id"] = "sale_1"
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["request_id"] == "trace-00000002"
    assert line["sale_id"] == "sale_1"
    assert line["level"] == "info"
    assert line["time"].endswith("+00:00")


def test_unexpected_errors_are_logged_with_the_traceback(
    make_app: Callable[..., Flask], caplog: Any
) -> None:
    app = make_app()

    def explode() -> str:
        raise ValueError("boom")

    app.add_url_rule("/explode", "explode", explode)
    with caplog.at_level(logging.ERROR):
        app.test_client().get("/explode")
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)
