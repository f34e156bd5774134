"""Real gateway processes (gunicorn, several workers) for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

STARTUP_SECONDS = 30


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


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

    def start(env_overrides: dict[str, str], workers: int = 2) -> Server:
        port = free_port()
        env = {**os.environ, **env_overrides, "PORT": str(port)}
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
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("server did not start:\n" + "\n".join(server.log_lines()))
