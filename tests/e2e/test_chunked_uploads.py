"""Chunked uploads through gunicorn: over the limit nothing is imported (413), within it all."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from gateway import migrate
from tests.e2e.conftest import Server
from tests.support.services import fresh_postgres_database

pytestmark = pytest.mark.e2e
ADMIN = "e2e-admin-token"
LIMIT = 1024 * 1024  # the default STAMPGATE_MAX_BODY_BYTES
StartServer = Callable[..., Server]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def server(start_server: StartServer, postgres_url: str) -> Server:
    return start_server(
        {"STAMPGATE_DATABASE_URL": postgres_url, "STAMPGATE_ADMIN_TOKEN": ADMIN}, workers=1
    )


def csv_chunks(rows: int) -> Iterator[bytes]:
    """A POS export sent as it is produced: requests sends a generator chunked."""
    yield b"code\n"
    for start in range(0, rows, 1000):
        yield b"".join(b"CODE-%07d\n" % n for n in range(start, min(rows, start + 1000)))


def new_pool(server: Server) -> tuple[dict[str, str], str]:
    merchant = requests.post(
        f"{server.base_url}/admin/v1/merchants",
        json={"name": "Chunked Cafe", "currency": "EUR", "timezone": "UTC"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=10,
    )
    assert merchant.status_code == 201, merchant.text
    auth = {"Authorization": f"Bearer {merchant.json()['api_key']}"}
    pool = requests.post(
        f"{server.base_url}/v1/code-pools", json={"name": "export"}, headers=auth, timeout=10
    )
    assert pool.status_code == 201, pool.text
    return auth, pool.json()["id"]


def upload(server: Server, auth: dict[str, str], pool_id: str, rows: int) -> requests.Response:
    response = requests.post(
        f"{server.base_url}/v1/code-pools/{pool_id}/codes",
        data=csv_chunks(rows),
        headers={**auth, "Content-Type": "text/csv"},
        timeout=60,
    )
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in response.request.headers
    return response


def available(server: Server, auth: dict[str, str], pool_id: str) -> int:
    response = requests.get(f"{server.base_url}/v1/code-pools/{pool_id}", headers=auth, timeout=10)
    count: int = response.json()["available"]
    return count


def test_oversized_chunked_uploads_are_refused_whole(server: Server) -> None:
    auth, pool_id = new_pool(server)
    response = upload(server, auth, pool_id, 130_000)  # about 1.7 MB
    assert response.status_code == 413, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"
    assert available(server, auth, pool_id) == 0
    json_body = requests.post(
        f"{server.base_url}/v1/api-keys",
        data=oversized_json(),
        headers={**auth, "Content-Type": "application/json"},
        timeout=60,
    )
    assert json_body.status_code == 413, json_body.text  # not 400: it was never cut short
    assert json_body.json()["code"] == "payload_too_large"


def oversized_json() -> Iterator[bytes]:
    yield b'{"label": "'
    for _ in range(LIMIT // 65536 + 1):
        yield b"x" * 65536
    yield b'"}'


def test_a_chunked_csv_within_the_limit_is_imported_whole(server: Server) -> None:
    auth, pool_id = new_pool(server)
    rows = 30_000  # about 390 KB, in 31 chunks
    response = upload(server, auth, pool_id, rows)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == rows
    assert available(server, auth, pool_id) == rows
