"""Real gateway processes (gunicorn, several workers) for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask

from gateway import create_app, migrate
from gateway.config import Settings
from tests.support.services import (
    REDIS_URL,
    free_port,
    fresh_postgres_database,
    redis_client,
)

# A bound for a hang, not a speed claim: workers import the app on CPUs that parallel test
# workers and their servers share, and a loaded machine takes its time.
STARTUP_SECONDS = 120


@dataclass
class Server:
    """A running ``stampgate serve`` and where its output goes."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]

    def log_lines(self) -> list[str]:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace").splitlines()


def gateway_command(*args: str) -> list[str]:
    """The ``stampgate`` command, run with this interpreter."""
    return [sys.executable, "-m", "gateway", *args]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[object]:
    """Start ``stampgate serve`` with the given environment; stopped after the test."""
    started: list[Server] = []

    def start(
        env_overrides: dict[str, str], workers: int = 2, bind_host: str = "127.0.0.1"
    ) -> Server:
        port = free_port()
        bind = f"{bind_host}:{port}"
        env = {**os.environ, **env_overrides, "PORT": str(port), "STAMPGATE_BIND": bind}
        log_path = tmp_path / f"server-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                gateway_command("serve", "--workers", str(workers)),
                env=env,
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://127.0.0.1:{port}", process, log_path, env)
        started.append(server)
        _wait_until_up(server)
        return server

    yield start
    for server in started:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError("server exited:\n" + "\n".join(server.log_lines()))
        try:
            if requests.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # workers still booting
            time.sleep(0.1)
    raise AssertionError("server did not start:\n" + "\n".join(server.log_lines()))


# Real Redis, a fresh PostgreSQL database and ``stampgate worker`` processes (rq).
ADMIN = "e2e-admin-token"


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    """The test Redis database, empty before and after."""
    client = redis_client()
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def settings(redis_db: redis.Redis) -> Iterator[Settings]:
    """A fresh PostgreSQL database and the test Redis; 1 s attempts so leases are short."""
    del redis_db
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        yield Settings(
            database_url=url,
            redis_url=REDIS_URL,
            admin_token=ADMIN,
            secret_key="e2e",
            webhook_allowed_networks=("127.0.0.0/8",),
            webhook_timeout=1.0,
            webhook_retry_schedule=(1, 1, 1),
            embedded_dispatcher=False,
            pos_retry_backoff=0.0,
            inbound_retry_schedule=(1, 1, 1),
        )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    yield application
    application.extensions["stampgate"].close()


class Workers:
    """``stampgate worker`` as a process group that can be killed outright."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, processes: int = 2) -> None:
        env = {
            **os.environ,
            "STAMPGATE_DATABASE_URL": self.settings.database_url,
            "STAMPGATE_REDIS_URL": self.settings.redis_url or REDIS_URL,
            "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "STAMPGATE_WEBHOOK_TIMEOUT": "1",
            "STAMPGATE_WEBHOOK_RETRY_SCHEDULE": "1,1,1",
            "STAMPGATE_SECRET_KEY": "e2e",
            "STAMPGATE_POS_RETRY_BACKOFF": "0",
            "STAMPGATE_INBOUND_RETRY_SCHEDULE": "1,1,1",
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                gateway_command("worker", "--processes", str(processes)),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the whole group: no warm shutdown, jobs in hand are lost."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(settings, tmp_path / "worker.log")
    yield running
    running.stop()
