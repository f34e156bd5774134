"""The gateway as it runs in production: gunicorn workers against PostgreSQL, and the demo."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from gateway import migrate
from tests.e2e.conftest import Server, gateway_command
from tests.support.services import fresh_postgres_database

pytestmark = pytest.mark.e2e
ADMIN = "e2e-admin-token"
StartServer = Callable[..., Server]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this module's servers."""
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        yield url


BATCH = 24
MAX_BATCHES = 25


def _counter(metrics: str, route: str, status: str) -> float:
    pattern = re.compile(
        r'^stampgate_http_requests_total\{(?=[^}]*route="' + re.escape(route) + r'")'
        r'(?=[^}]*status="' + status + r'")(?=[^}]*method="GET")[^}]*\} (\S+)$',
        re.MULTILINE,
    )
    return sum(float(value) for value in pattern.findall(metrics))


def test_metrics_add_up_across_gunicorn_workers(
    start_server: StartServer, postgres_url: str, tmp_path: Path
) -> None:
    metrics_dir = tmp_path / "metrics"
    server = start_server(
        {
            "STAMPGATE_DATABASE_URL": postgres_url,
            "STAMPGATE_ADMIN_TOKEN": ADMIN,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        },
        workers=3,
    )
    created = requests.post(
        f"{server.base_url}/admin/v1/merchants",
        json={"name": "E2E Cafe", "currency": "EUR", "timezone": "Europe/Kyiv"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=5,
    )
    assert created.status_code == 201
    key = created.json()["api_key"]
    request_ids: set[str] = set()

    def read_merchant(_: int) -> str:
        # A new connection each time, so the workers share the load.
        response = requests.get(
            f"{server.base_url}/v1/merchant", headers={"Authorization": f"Bearer {key}"}, timeout=5
        )
        assert response.status_code == 200
        return response.headers["X-Request-Id"]

    # Concurrent batches until a second worker has served (one worker may win every accept
    # on a busy machine); each batch is counted, so the total must still add up exactly.
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(MAX_BATCHES):
            request_ids.update(pool.map(read_merchant, range(BATCH)))
            if len(list(metrics_dir.glob("counter_*.db"))) >= 2:
                break
    assert len(list(metrics_dir.glob("counter_*.db"))) >= 2, "only one worker served requests"
    metrics = requests.get(f"{server.base_url}/metrics", timeout=5).text
    assert _counter(metrics, "/v1/merchant", "200") == len(request_ids)

    access = [json.loads(line) for line in server.log_lines() if '"gunicorn.access"' in line]
    logged_ids = {entry["request_id"] for entry in access if entry["path"] == "/v1/merchant"}
    assert request_ids <= logged_ids
    assert all(entry["status"] == 200 for entry in access if entry["path"] == "/v1/merchant")


def test_problem_responses_over_real_http(start_server: StartServer, postgres_url: str) -> None:
    server = start_server(
        {"STAMPGATE_DATABASE_URL": postgres_url, "STAMPGATE_ADMIN_TOKEN": ADMIN}, workers=1
    )
    oversized = requests.post(
        f"{server.base_url}/admin/v1/merchants",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert oversized.status_code == 413
    assert oversized.headers["Content-Type"] == "application/problem+json"
    assert oversized.json()["code"] == "payload_too_large"
    unknown = requests.get(f"{server.base_url}/v2/anything", timeout=5)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"


def test_demo_flow_prints_a_curl_that_works(start_server: StartServer, tmp_path: Path) -> None:
    env = {"STAMPGATE_DATABASE_URL": f"sqlite:///{tmp_path}/var/stampgate.db"}
    server = start_server(env, workers=2)
    port = server.base_url.rsplit(":", 1)[1]
    environment = {**server.env, **env}
    subprocess.run(gateway_command("db", "upgrade"), env=environment, cwd=tmp_path, check=True)
    printed = subprocess.run(
        gateway_command("demo", "--port", port),
        env=environment,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    curl_line = next(line for line in printed.splitlines() if line.startswith("try: curl"))
    output = subprocess.run(
        shlex.split(curl_line.removeprefix("try: ")), check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(output)["name"] == "Demo Coffee"
    _log_in_with_the_printed_demo_login(printed)


def _log_in_with_the_printed_demo_login(printed: str) -> None:
    lines = printed.splitlines()
    login_url = next(line for line in lines if line.startswith("console: ")).split(" ", 1)[1]
    credentials = next(line for line in lines if line.strip().startswith("email: ")).split()
    email, password = credentials[1], credentials[3]
    browser = requests.Session()
    form = browser.get(login_url, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    answered = browser.post(
        login_url,
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        timeout=10,
    )
    assert answered.status_code == 200
    assert answered.url.endswith("/console/")
    assert "Demo Coffee" in answered.text
