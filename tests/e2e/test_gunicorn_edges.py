"""What gunicorn itself answers and logs: problem+json for its own 4xx, no personal data in logs,
and a warning when the server faces the network without a proxy in front."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from gateway import migrate
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e
ADMIN = "e2e-admin-token"
StartServer = Callable[..., Server]
PHONE = "+380509876543"
EMAIL = "bob.private@example.com"
OAUTH_CODE = "oauth-code-5f1e2d3c"
OAUTH_STATE = "state-9a8b7c6d"


def raw_exchange(base_url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes; the status, headers and body."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def _assert_problem(
    status: int, headers: dict[str, str], body: bytes, want: int, code: str
) -> None:
    assert status == want, body
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    document = json.loads(body)
    assert document["status"] == want
    assert document["code"] == code
    assert document["type"] == f"urn:stampgate:problem:{code}"
    assert document["title"]
    assert document["detail"]


@pytest.fixture
def server(start_server: StartServer, tmp_path: Path) -> Server:
    url = f"sqlite:///{tmp_path}/stampgate.db"
    migrate.upgrade(url)
    return start_server({"STAMPGATE_DATABASE_URL": url, "STAMPGATE_ADMIN_TOKEN": ADMIN}, workers=1)


def test_gunicorn_refusals_are_problem_json_and_keep_the_request_out_of_the_log(
    start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server({"STAMPGATE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, workers=1)
    header_9_kb = b"X-Padding: " + b"a" * 9 * 1024
    long_line = f"/v1/cards?phone={PHONE}&pad=" + "b" * 9 * 1024
    cases = [
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + header_9_kb + b"\r\n\r\n",
            431,
            "headers_too_large",
        ),
        (f"GET {long_line} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 414, "uri_too_long"),
        (f"GET /healthz?email={EMAIL} NOT-HTTP\r\n\r\n".encode(), 400, "bad_request"),
        (
            b"POST /v1/sales HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br, chunked\r\n\r\n",
            501,
            "not_implemented",
        ),
    ]
    for request, status, code in cases:
        _assert_problem(*raw_exchange(server.base_url, request), status, code)
    log = "\n".join(server.log_lines())
    assert PHONE not in log
    assert EMAIL not in log


def _access_entries(server: Server) -> list[dict[str, Any]]:
    lines = [line for line in server.log_lines() if '"gunicorn.access"' in line]
    return [json.loads(line) for line in lines]


def access_entry(server: Server, request_id: str) -> dict[str, Any]:
    """gunicorn's access line of one request (written just after the answer, so maybe later)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for entry in _access_entries(server):
            if entry["request_id"] == request_id:
                return entry
        time.sleep(0.05)
    raise AssertionError(f"no access line for {request_id}")


def test_logs_keep_query_values_out(server: Server) -> None:
    created = requests.post(
        f"{server.base_url}/admin/v1/merchants",
        json={"name": "Log Cafe", "currency": "EUR", "timezone": "Europe/Kyiv"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=5,
    )
    assert created.status_code == 201
    key = {"Authorization": f"Bearer {created.json()['api_key']}"}
    for params in ({"phone": PHONE}, {"email": EMAIL}):
        found = requests.get(f"{server.base_url}/v1/cards", params=params, headers=key, timeout=5)
        assert found.status_code == 200
    callback = requests.get(
        f"{server.base_url}/connect/poster/callback",
        params={"code": OAUTH_CODE, "state": OAUTH_STATE, "account": "acme"},
        headers={"X-Request-Id": "callback-00000001"},
        timeout=5,
    )
    assert callback.status_code < 500
    access_entry(server, "callback-00000001")  # the last line is written
    log = "\n".join(server.log_lines())
    for secret in (PHONE, EMAIL, EMAIL.replace("@", "%40"), OAUTH_CODE, OAUTH_STATE):
        assert secret not in log
    queries = [entry.get("query_params") for entry in _access_entries(server)]
    assert ["phone"] in queries
    assert ["email"] in queries
    assert ["code", "state", "account"] in queries


def test_serve_warns_when_it_faces_the_network_without_a_proxy(
    start_server: StartServer, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    exposed = start_server({"STAMPGATE_DATABASE_URL": url}, bind_host="0.0.0.0")  # noqa: S104
    warnings = [line for line in exposed.log_lines() if "STAMPGATE_PROXY_HOPS" in line]
    assert len(warnings) == 1
    assert json.loads(warnings[0])["level"] == "warning"
    assert "deploy/nginx.conf" in warnings[0]


def test_serve_is_quiet_behind_a_declared_proxy(start_server: StartServer, tmp_path: Path) -> None:
    env = {"STAMPGATE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "STAMPGATE_PROXY_HOPS": "1"}
    quiet = start_server(env, bind_host="0.0.0.0")  # noqa: S104
    assert not [line for line in quiet.log_lines() if "STAMPGATE_PROXY_HOPS" in line]
