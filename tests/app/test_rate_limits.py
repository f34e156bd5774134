"""Every unauthenticated door counts refusals per client address and answers 429 beyond them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import ValidationError
from werkzeug.test import TestResponse

from gateway.config import Settings
from tests.connectors.serve.test_serve import connect, deliver
from tests.support.api import Api, bearer
from tests.support.fake_syrve import FakeSyrve, order_event, syrve_settings
from tests.support.problems import assert_problem
from tests.support.services import REDIS_URL, free_port, redis_client

ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.9"
WRONG_KEY = "sk_wrongwrongwrongwrongwrong"


def from_address(client: FlaskClient, address: str) -> Callable[..., TestResponse]:
    """Requests of one client address."""

    def send(method: str, path: str, **kwargs: Any) -> TestResponse:
        return client.open(path, method=method, environ_base={"REMOTE_ADDR": address}, **kwargs)

    return send


def assert_too_many(response: TestResponse, at_most_seconds: int) -> None:
    """A 429 problem with a Retry-After in whole seconds, within the window."""
    body = assert_problem(response, 429, "too_many_attempts")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= at_most_seconds + 1
    assert f"Retry after {retry_after} s" in body["detail"]


def test_bad_api_keys_are_limited_per_address(make_app: Callable[..., Flask]) -> None:
    app = make_app(limit_auth_failures="3/minute")
    client = app.test_client()
    key = Api(client, app.extensions["stampgate"].settings.admin_token or "").create_merchant(
        "Cafe"
    )["api_key"]
    attacker, neighbour = from_address(client, ATTACKER), from_address(client, NEIGHBOUR)
    for _ in range(3):
        assert_problem(
            attacker("GET", "/v1/merchant", headers=bearer(WRONG_KEY)), 401, "unauthorized"
        )
    assert_too_many(attacker("GET", "/v1/merchant", headers=bearer(WRONG_KEY)), 60)
    # Refused before the key is read: even a good key from that address waits.
    assert_too_many(attacker("GET", "/v1/programs", headers=bearer(key)), 60)
    # Health probes are answered whoever asks.
    assert attacker("GET", "/healthz").status_code == 200
    assert attacker("GET", "/readyz").status_code == 200
    # The count is the address's: another address is still answered.
    assert_problem(neighbour("GET", "/v1/merchant", headers=bearer(WRONG_KEY)), 401, "unauthorized")
    assert neighbour("GET", "/v1/merchant", headers=bearer(key)).status_code == 200


def test_bad_admin_tokens_share_the_limit_of_failed_authentications(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(limit_auth_failures="2/minute").test_client()
    attacker = from_address(client, ATTACKER)
    assert_problem(attacker("GET", "/v1/merchant"), 401, "unauthorized")
    assert_problem(
        attacker("GET", "/admin/v1/merchants/mer_nobody", headers=bearer("guess")),
        401,
        "unauthorized",
    )
    assert_too_many(attacker("GET", "/admin/v1/merchants/mer_nobody", headers=bearer("guess")), 60)


def test_good_keys_are_never_counted(make_app: Callable[..., Flask]) -> None:
    app = make_app(limit_auth_failures="2/minute")
    client = app.test_client()
    admin = app.extensions["stampgate"].settings.admin_token or ""
    key = Api(client, admin).create_merchant("Busy till")["api_key"]
    till = from_address(client, ATTACKER)
    for _ in range(25):
        assert till("GET", "/v1/merchant", headers=bearer(key)).status_code == 200
        assert (
            till("GET", "/admin/v1/merchants/mer_nobody", headers=bearer(admin)).status_code == 404
        )
    assert_problem(till("GET", "/v1/merchant", headers=bearer(WRONG_KEY)), 401, "unauthorized")


def test_refused_poster_hooks_are_limited_per_address(make_app: Callable[..., Flask]) -> None:
    client = make_app(limit_hook_failures="3/minute").test_client()
    attacker, neighbour = from_address(client, ATTACKER), from_address(client, NEIGHBOUR)
    hook = {
        "account": "nobody",
        "object": "transaction",
        "object_id": 1,
        "action": "closed",
        "time": "1700000000",
        "verify": "0" * 32,
    }
    for _ in range(3):
        refused = attacker("POST", "/hooks/poster", json=hook)
        assert 400 <= refused.status_code < 500
        assert refused.status_code != 429
    assert_too_many(attacker("POST", "/hooks/poster", json=hook), 60)
    assert_too_many(attacker("POST", "/hooks/serve/con_unknown", json=[]), 60)
    assert neighbour("POST", "/hooks/poster", json=hook).status_code != 429
    # A failed API authentication has its own count: the hook refusals did not use it up.
    assert_problem(attacker("GET", "/v1/merchant"), 401, "unauthorized")


def test_good_serve_hooks_are_not_throttled_by_their_volume(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    limits = {"limit_hook_failures": "2/minute", "limit_auth_failures": "1/minute"}
    world = connect(make_app(**syrve_settings(syrve), **limits), syrve)
    for number in range(10):
        assert deliver(world, order_event(f"order-{number}")).status_code == 200
    for _ in range(2):
        assert_problem(deliver(world, order_event("x"), token="wrong"), 401, "bad_token")
    # Hook refusals have their own limit, not the (here stricter) one of API authentications.
    assert_too_many(deliver(world, order_event("x"), token="wrong"), 60)
    # The POS's address is refused until the window passes, good token or not: limits on
    # refusals are generous so that a POS's own mistakes rarely get there.
    assert_too_many(deliver(world, order_event("order-11")), 60)


def test_install_callbacks_are_limited_per_address(make_app: Callable[..., Flask]) -> None:
    client = make_app(limit_install_callbacks="2/minute").test_client()
    attacker, neighbour = from_address(client, ATTACKER), from_address(client, NEIGHBOUR)
    callback = "/connect/poster/callback?code=abc&account=cafe&state=forged"
    for _ in range(2):
        assert attacker("GET", callback).status_code != 429
    assert_too_many(attacker("GET", callback), 60)
    assert neighbour("GET", callback).status_code != 429


def test_limits_can_be_switched_off(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit_enabled=False, limit_auth_failures="1/minute").test_client()
    for _ in range(3):
        assert_problem(client.get("/v1/merchant"), 401, "unauthorized")
    checked = client.post("/v1/codes/check", json={"code": "X"}, headers=bearer(WRONG_KEY))
    assert_problem(checked, 401, "unauthorized")


def test_a_refusal_carries_the_request_id(make_app: Callable[..., Flask]) -> None:
    client = make_app(limit_auth_failures="1/minute").test_client()
    client.get("/v1/merchant")
    request_id = "0123456789abcdef0123456789abcdef"
    refused = client.get("/v1/merchant", headers={"X-Request-Id": request_id})
    assert_too_many(refused, 60)
    assert refused.headers["X-Request-Id"] == request_id


def test_limits_are_settings_and_bad_ones_are_refused() -> None:
    settings = Settings(
        limit_auth_failures="5 per 10 seconds", limit_code_attempts_per_key="1/second"
    )
    assert settings.limit_auth_failures == "5 per 10 seconds"
    with pytest.raises(ValidationError, match="not a rate limit"):
        Settings(limit_hook_failures="lots")


def test_counters_in_redis_are_shared_by_every_process(
    make_app: Callable[..., Flask], redis_prefix: str
) -> None:
    shared = {"redis_url": REDIS_URL, "rate_limit_key_prefix": redis_prefix}
    one = from_address(make_app(**shared, limit_auth_failures="2/minute").test_client(), ATTACKER)
    two = make_app(**shared, limit_auth_failures="2/minute").test_client()
    assert_problem(one("GET", "/v1/merchant"), 401, "unauthorized")
    assert_problem(one("GET", "/v1/merchant"), 401, "unauthorized")
    # The second app (another gunicorn worker, another machine) sees the same count.
    assert_too_many(from_address(two, ATTACKER)("GET", "/v1/merchant"), 60)
    assert_problem(from_address(two, NEIGHBOUR)("GET", "/v1/merchant"), 401, "unauthorized")
    client = redis_client()
    stored = cast(list[bytes], client.keys(f"{redis_prefix}:*"))
    client.close()
    assert stored
    assert all(ATTACKER.encode() in key or NEIGHBOUR.encode() in key for key in stored)


def test_counting_carries_on_in_memory_when_redis_is_unreachable(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0", limit_auth_failures="2/minute")
    attacker = from_address(app.test_client(), ATTACKER)
    assert_problem(attacker("GET", "/v1/merchant"), 401, "unauthorized")
    assert_problem(attacker("GET", "/v1/merchant"), 401, "unauthorized")
    assert_too_many(attacker("GET", "/v1/merchant"), 60)
    assert app.test_client().get("/healthz").status_code == 200


def test_a_refused_body_on_a_code_route_is_answered_without_a_limiter_fault(
    api: Api, merchant: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    # The per-location key reads the body; a body the input rules refuse must not break it.
    body = {"code": "PZ\x00-1", "location": "bar\x00"}
    response = api.call("POST", "/v1/codes/check", merchant["api_key"], json=body)
    assert_problem(response, 422, "control_characters")
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    assert not [record for record in caplog.records if "falling back" in record.getMessage()]
