"""Every error a request can end in is problem+json with a stable code, never HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway import create_app
from gateway.config import Settings
from gateway.tenancy.keys import generate_key
from tests.support.api import Api, bearer
from tests.support.problems import assert_problem
from tests.support.services import free_port


def test_malformed_json_is_400(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "POST",
        "/v1/api-keys",
        merchant["api_key"],
        data='{"label": ',
        content_type="application/json",
    )
    assert_problem(response, 400, "malformed_json")


def test_non_standard_json_constants_are_refused(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "POST",
        "/v1/api-keys",
        merchant["api_key"],
        data='{"label": NaN}',
        content_type="application/json",
    )
    assert_problem(response, 400, "malformed_json")


def test_non_json_body_is_415(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "POST", "/v1/api-keys", merchant["api_key"], data="label=x", content_type="text/plain"
    )
    assert_problem(response, 415, "unsupported_media_type")


def test_validation_lists_every_failing_field(client: FlaskClient) -> None:
    response = client.post(
        "/admin/v1/merchants",
        json={"name": " ", "currency": "eur", "timezone": "Mars/Olympus", "extra": 1},
        headers=bearer("test-admin-token"),
    )
    body = assert_problem(response, 422, "validation_error")
    failing = {tuple(error["loc"]) for error in body["errors"]}
    assert failing == {("name",), ("currency",), ("timezone",), ("extra",)}
    assert all(error["msg"] for error in body["errors"])


def test_missing_body_is_a_validation_error(client: FlaskClient) -> None:
    response = client.post("/admin/v1/merchants", headers=bearer("test-admin-token"))
    assert_problem(response, 422, "validation_error")


def test_unknown_currency_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/admin/v1/merchants",
        json={"name": "A", "currency": "XYZ", "timezone": "UTC"},
        headers=bearer("test-admin-token"),
    )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["currency"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
        bearer("sgk_notarealkey000000000000"),
    ],
)
def test_merchant_routes_need_a_valid_key(client: FlaskClient, headers: dict[str, str]) -> None:
    assert_problem(client.get("/v1/merchant", headers=headers), 401, "unauthorized")


def test_admin_routes_need_the_admin_token(client: FlaskClient, merchant: dict[str, Any]) -> None:
    response = client.post(
        "/admin/v1/merchants",
        json={"name": "A", "currency": "EUR", "timezone": "UTC"},
        headers=bearer(merchant["api_key"]),
    )
    assert_problem(response, 401, "unauthorized")


def test_admin_api_is_off_without_a_token(make_app: Callable[..., Flask]) -> None:
    app = make_app(admin_token=None)
    response = app.test_client().post("/admin/v1/merchants", json={}, headers=bearer(""))
    assert_problem(response, 403, "admin_disabled")


def test_unknown_route_is_404(client: FlaskClient) -> None:
    assert_problem(client.get("/v1/no-such-thing"), 404, "not_found")
    assert_problem(client.get("/nowhere.html"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.put("/healthz")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_body_over_the_limit_is_413(api: Api, merchant: dict[str, Any]) -> None:
    big = '{"label": "' + "x" * (1024 * 1024) + '"}'
    response = api.call(
        "POST", "/v1/api-keys", merchant["api_key"], data=big, content_type="application/json"
    )
    assert_problem(response, 413, "payload_too_large")


def test_body_limit_is_configurable(make_app: Callable[..., Flask]) -> None:
    app = make_app(max_body_bytes=64)
    response = app.test_client().post(
        "/admin/v1/merchants",
        json={"name": "x" * 100, "currency": "EUR", "timezone": "UTC"},
        headers=bearer("test-admin-token"),
    )
    assert_problem(response, 413, "payload_too_large")


def test_unexpected_exception_is_500_without_internals(make_app: Callable[..., Flask]) -> None:
    app: Flask = make_app()

    def explode() -> str:
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", "explode", explode)
    response = app.test_client().get("/explode")
    body = assert_problem(response, 500, "internal_error")
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert set(body) == {"type", "title", "status", "detail", "code"}


def test_invalid_idempotency_key_is_400(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "POST", "/v1/api-keys", merchant["api_key"], json={}, headers={"Idempotency-Key": "x" * 300}
    )
    assert_problem(response, 400, "invalid_idempotency_key")


def test_an_unreachable_database_is_503_with_retry_after() -> None:
    port = free_port()  # nothing listens there: every connection is refused
    app = create_app(
        Settings(
            database_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/gone",
            redis_url=None,
            embedded_dispatcher=False,
        )
    )
    try:
        key = generate_key().plaintext
        response = app.test_client().get("/v1/merchant", headers=bearer(key))
        body = assert_problem(response, 503, "database_unavailable")
        assert int(response.headers["Retry-After"]) > 0
        assert "127.0.0.1" not in body["detail"]
    finally:
        app.extensions["stampgate"].close()
