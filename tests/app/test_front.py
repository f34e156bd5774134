"""Behind a proxy: whose address the app sees, and who may read /metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from pydantic import ValidationError

from gateway.api.proxies import exposure_warning
from gateway.config import Settings
from tests.support.problems import assert_problem

METRICS_TOKEN = "metrics-test-token"


def _client_seen(app: Flask) -> Callable[..., dict[str, Any]]:
    """A route echoing the client address and scheme the app sees; returns a caller."""

    def seen() -> dict[str, Any]:
        return {"remote": request.remote_addr, "scheme": request.scheme}

    app.add_url_rule("/seen", "seen", seen)
    client = app.test_client()

    def call(peer: str = "127.0.0.1", **headers: str) -> dict[str, Any]:
        response = client.get("/seen", headers=headers, environ_base={"REMOTE_ADDR": peer})
        body: dict[str, Any] = response.get_json()
        return body

    return call


def test_forwarded_headers_are_ignored_without_the_proxy_setting(
    make_app: Callable[..., Flask],
) -> None:
    call = _client_seen(make_app())
    seen = call(**{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"remote": "127.0.0.1", "scheme": "http"}


def test_one_trusted_hop_gives_the_client_the_proxy_saw(make_app: Callable[..., Flask]) -> None:
    call = _client_seen(make_app(proxy_hops=1))
    # A client's own X-Forwarded-For comes first; the proxy appends the address it saw.
    forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"}
    assert call(**forwarded) == {"remote": "203.0.113.9", "scheme": "https"}
    assert call()["remote"] == "127.0.0.1"


def test_two_hops_skip_one_more_proxy(make_app: Callable[..., Flask]) -> None:
    call = _client_seen(make_app(proxy_hops=2))
    forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.0.0.5"}
    seen = call(**forwarded, **{"X-Forwarded-Proto": "https"})
    assert seen == {"remote": "203.0.113.9", "scheme": "https"}


def test_nginx_body_limit_is_the_gateway_default() -> None:
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    limits = re.findall(r"^\s*client_max_body_size (\d+)([km]?);", conf, re.MULTILINE)
    assert len(limits) == 1
    number, unit = limits[0]
    shipped = int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]
    assert shipped == Settings.model_fields["max_body_bytes"].default


def test_forwarded_headers_count_only_from_a_trusted_proxy(make_app: Callable[..., Flask]) -> None:
    call = _client_seen(make_app(proxy_hops=1, trusted_proxies=("10.1.0.0/16",)))
    direct = call("198.51.100.7", **{"X-Forwarded-For": "203.0.113.9"})
    assert direct["remote"] == "198.51.100.7"
    proxied = call("10.1.2.3", **{"X-Forwarded-For": "203.0.113.9"})
    assert proxied["remote"] == "203.0.113.9"


def test_trusted_proxies_must_be_networks() -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies="10.0.0.0/8, not-a-network")


def _metrics(client: FlaskClient, peer: str = "127.0.0.1", **headers: str) -> Any:
    return client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": peer})


def test_metrics_without_a_token_answer_only_loopback_clients(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app().test_client()
    assert _metrics(client).status_code == 200
    assert _metrics(client, "::1").status_code == 200
    assert_problem(_metrics(client, "203.0.113.9"), 403, "forbidden")
    # Through a proxy nobody declared, every client looks like loopback: refused too.
    proxied = _metrics(client, **{"X-Forwarded-For": "203.0.113.9"})
    assert_problem(proxied, 403, "forbidden")


def test_metrics_behind_a_declared_proxy_see_the_real_client(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(proxy_hops=1).test_client()
    assert_problem(_metrics(client, **{"X-Forwarded-For": "203.0.113.9"}), 403, "forbidden")
    assert _metrics(client, **{"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_metrics_with_a_token_require_it_from_everyone(make_app: Callable[..., Flask]) -> None:
    client = make_app(metrics_token=METRICS_TOKEN).test_client()
    missing = assert_problem(_metrics(client), 401, "unauthorized")
    assert missing["detail"]
    assert_problem(_metrics(client, Authorization="Bearer wrong"), 401, "unauthorized")
    assert _metrics(client, Authorization="Basic " + METRICS_TOKEN).status_code == 401
    allowed = _metrics(client, "203.0.113.9", Authorization=f"Bearer {METRICS_TOKEN}")
    assert allowed.status_code == 200
    assert "stampgate_http_requests_total" in allowed.get_data(as_text=True)
    assert _metrics(client).headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("addresses", "hops", "warns"),
    [
        ([("0.0.0.0", 8000)], 0, True),  # noqa: S104
        ([("::", 8000)], 0, True),
        ([("", 8000)], 0, True),
        ([("203.0.113.5", 8000)], 0, True),
        ([("127.0.0.1", 8000), ("192.0.2.1", 8001)], 0, True),
        ([("0.0.0.0", 8000)], 1, False),  # noqa: S104
        ([("127.0.0.1", 8000), ("::1", 8000), ("localhost", 8000)], 0, False),
        (["/run/stampgate.sock"], 0, False),
    ],
)
def test_serving_on_the_network_without_a_proxy_warns(
    addresses: list[object], hops: int, warns: bool
) -> None:
    warning = exposure_warning(addresses, hops)
    assert (warning is not None) is warns
    if warning:
        assert "deploy/nginx.conf" in warning
        assert "STAMPGATE_PROXY_HOPS" in warning
