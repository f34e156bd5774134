"""The production front: Debian's nginx with deploy/nginx.conf in front of a real gunicorn."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import Server
from tests.e2e.test_gunicorn_edges import access_entry, raw_exchange
from tests.support.nginx import Nginx, nginx_binary, start_nginx
from tests.support.services import free_port

pytestmark = pytest.mark.e2e
StartServer = Callable[..., Server]
SLOW_CLIENTS = 50
REQUEST_TIMEOUT = 10  # what a caller would allow any request, not a speed threshold


@contextmanager
def slow_clients(port: int, count: int = SLOW_CLIENTS) -> Iterator[list[socket.socket]]:
    """Half trickle their headers one byte at a time and never finish them; half announce a
    body (Content-Length) and stop after its first bytes. Closed when the block ends."""
    trickling: list[socket.socket] = []
    stalled: list[socket.socket] = []
    stop = threading.Event()
    try:
        for index in range(count):
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            if index % 2:
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                trickling.append(conn)
            else:
                conn.sendall(
                    b"POST /hooks/poster HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 50000\r\n\r\n{"account": '
                )
                stalled.append(conn)

        def trickle() -> None:
            while not stop.wait(0.1):
                for conn in trickling:
                    try:
                        conn.send(b"a")
                    except OSError:  # the server gave up on this one: that is allowed
                        continue

        sender = threading.Thread(target=trickle, daemon=True)
        sender.start()
        yield trickling + stalled
    finally:
        stop.set()
        for conn in trickling + stalled:
            conn.close()


@pytest.fixture
def gateway(start_server: StartServer, tmp_path: Path) -> Server:
    """One gunicorn worker (4 threads) on loopback, trusting one proxy hop."""
    env = {
        "STAMPGATE_DATABASE_URL": f"sqlite:///{tmp_path}/stampgate.db",
        "STAMPGATE_PROXY_HOPS": "1",
        "STAMPGATE_THREADS": "4",
    }
    return start_server(env, workers=1)


@pytest.fixture
def front(gateway: Server, tmp_path: Path) -> Iterator[Nginx]:
    """nginx with the shipped configuration, proxying to ``gateway``."""
    nginx_binary()
    upstream_port = int(gateway.base_url.rsplit(":", 1)[1])
    running = start_nginx(tmp_path / "nginx", free_port(), upstream_port)
    yield running
    running.stop()


def test_healthz_answers_through_nginx_while_50_slow_clients_hold_connections(
    front: Nginx,
) -> None:
    with slow_clients(front.port) as held:
        assert len(held) == SLOW_CLIENTS
        for _ in range(10):
            response = requests.get(f"{front.base_url}/healthz", timeout=REQUEST_TIMEOUT)
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
        unknown = requests.post(f"{front.base_url}/v1/sales", json={}, timeout=REQUEST_TIMEOUT)
        assert unknown.status_code == 401
        assert unknown.headers["Content-Type"] == "application/problem+json"


def test_without_a_front_the_same_slow_clients_starve_gunicorn(gateway: Server) -> None:
    """Why deploy/nginx.conf exists: gunicorn's gthread worker has no read timeout."""
    port = int(gateway.base_url.rsplit(":", 1)[1])
    with slow_clients(port), pytest.raises(requests.Timeout):
        requests.get(f"{gateway.base_url}/healthz", timeout=3)


def test_logs_behind_nginx_name_the_real_client_and_no_query_values(
    front: Nginx, gateway: Server
) -> None:
    phone = "+380507654321"
    with socket.create_connection(("127.0.0.1", front.port), source_address=("127.0.0.2", 0)) as c:
        c.sendall(
            f"GET /healthz?phone={phone} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n"
            "X-Request-Id: front-remote-0001\r\nConnection: close\r\n\r\n".encode()
        )
        assert c.recv(65536).startswith(b"HTTP/1.1 200")
    entry = access_entry(gateway, "front-remote-0001")
    assert entry["remote"] == "127.0.0.2"  # what nginx saw; the forged address is ignored
    assert entry["query_params"] == ["phone"]
    front.stop()  # flushes nginx's access log
    lines = front.access_lines()
    assert [(json.loads(line)["path"], json.loads(line)["remote"]) for line in lines] == [
        ("/healthz", "127.0.0.2")
    ]
    assert phone.removeprefix("+") not in "\n".join(lines + gateway.log_lines())


def test_nginx_refusals_are_problem_json(front: Nginx) -> None:
    too_big = requests.post(
        f"{front.base_url}/hooks/poster",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
        timeout=REQUEST_TIMEOUT,
    )
    assert too_big.status_code == 413
    assert too_big.headers["Content-Type"] == "application/problem+json"
    assert too_big.json()["code"] == "payload_too_large"
    header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 9 * 1024 + b"\r\n\r\n"
    status, headers, body = raw_exchange(front.base_url, header)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "headers_too_large"


def test_nginx_answers_for_a_gateway_that_does_not_answer(tmp_path: Path) -> None:
    nothing_listens = free_port()
    front = start_nginx(tmp_path / "nginx", free_port(), nothing_listens)
    try:
        answer = requests.get(f"{front.base_url}/healthz", timeout=REQUEST_TIMEOUT)
    finally:
        front.stop()
    assert answer.status_code == 503
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "unavailable"
