"""A revoked API key stops working on every gunicorn worker within a second, though each
worker keeps the keys it authenticated lately (the embedded SQLite mode: no Redis to tell)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from gateway import migrate
from gateway.tenancy.key_cache import KEY_CACHE_SECONDS
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e
ADMIN = "e2e-admin-token"
WORKERS = 2
REQUESTS = 32  # on fresh connections, several at once: every worker serves some


def _statuses(server: Server, key: str) -> list[int]:
    def read(_n: int) -> int:
        headers = {"Authorization": f"Bearer {key}", "Connection": "close"}
        return requests.get(
            f"{server.base_url}/v1/merchant", headers=headers, timeout=10
        ).status_code

    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        return list(pool.map(read, range(REQUESTS)))


def test_a_revoked_key_is_refused_by_every_worker_within_a_second(
    start_server: Callable[..., Server], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/stampgate.db"
    migrate.upgrade(url)
    # The 401s of the revoked key must not trip the failed-authentication limit, which each
    # worker counts on its own here: with connections spread unevenly, one can see 30 of 32.
    env = {
        "STAMPGATE_DATABASE_URL": url,
        "STAMPGATE_ADMIN_TOKEN": ADMIN,
        "STAMPGATE_LIMIT_AUTH_FAILURES": f"{REQUESTS * 10}/minute",
    }
    server = start_server(env, workers=WORKERS)
    created = requests.post(
        f"{server.base_url}/admin/v1/merchants",
        json={"name": "Cafe", "currency": "EUR", "timezone": "UTC"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=10,
    ).json()
    owner = {"Authorization": f"Bearer {created['api_key']}"}
    till = requests.post(
        f"{server.base_url}/v1/api-keys", json={"label": "till"}, headers=owner, timeout=10
    ).json()
    assert set(_statuses(server, till["api_key"])) == {200}  # every worker now knows the key

    revoked = requests.delete(
        f"{server.base_url}/v1/api-keys/{till['id']}", headers=owner, timeout=10
    )
    assert revoked.status_code == 200
    time.sleep(KEY_CACHE_SECONDS + 0.2)
    assert set(_statuses(server, till["api_key"])) == {401}
    assert set(_statuses(server, created["api_key"])) == {200}  # the other key is untouched
