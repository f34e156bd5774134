"""What authentication and the database cost per request, against the bare app.

Starts ``stampgate serve`` on a fresh PostgreSQL database, then drives, one after the other
at the same concurrency: ``GET /healthz`` (the app's middleware only: the baseline) and
``GET /v1/merchant`` (API key lookup plus a read). Prints requests/s, p50/p99 and the ratio.
Settings: BENCH_SECONDS (default 10), BENCH_CONCURRENCY (16), BENCH_WORKERS (4),
STAMPGATE_TEST_POSTGRES_URL (the server to create the database on).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass

import psycopg
import requests
from sqlalchemy.engine import make_url

from gateway import migrate

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
POSTGRES_URL = os.environ.get(
    "STAMPGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ADMIN = "bench-admin-token"


@dataclass
class Result:
    """Throughput and latency of one scenario."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.requests / self.seconds

    def line(self) -> str:
        """One printable summary line."""
        cuts = statistics.quantiles(self.latencies, n=100)
        return (
            f"{self.name:<22} {self.rate:9.1f} req/s   p50 {cuts[49] * 1000:6.2f} ms"
            f"   p99 {cuts[98] * 1000:6.2f} ms   errors {self.errors}"
        )


def drive(name: str, url: str, headers: dict[str, str]) -> Result:
    """Hit ``url`` from CONCURRENCY keep-alive clients for SECONDS."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + SECONDS

    def client() -> None:
        session = requests.Session()
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=10)
            if response.status_code == 200:
                mine.append(time.perf_counter() - started)
            else:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, len(latencies), errors[0], time.perf_counter() - began, latencies)


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def main() -> None:
    """Run both scenarios against one server and print the comparison."""
    admin_dsn = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)
    name = f"stampgate_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    port = free_port()
    server = None
    try:
        migrate.upgrade(database_url)
        env = {
            **os.environ,
            "STAMPGATE_DATABASE_URL": database_url,
            "STAMPGATE_ADMIN_TOKEN": ADMIN,
            "STAMPGATE_LOG_LEVEL": "warning",
        }
        command = [sys.executable, "-m", "gateway", "serve", "--workers", str(WORKERS)]
        command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base)
        key = requests.post(
            f"{base}/admin/v1/merchants",
            json={"name": "Bench", "currency": "EUR", "timezone": "UTC"},
            headers={"Authorization": f"Bearer {ADMIN}"},
            timeout=10,
        ).json()["api_key"]
        print(f"gunicorn workers={WORKERS} concurrency={CONCURRENCY} seconds={SECONDS:g}")
        baseline = drive("GET /healthz (bare)", f"{base}/healthz", {})
        authed = drive(
            "GET /v1/merchant", f"{base}/v1/merchant", {"Authorization": f"Bearer {key}"}
        )
        print(baseline.line())
        print(authed.line())
        print(f"ratio /v1/merchant : /healthz = {authed.rate / baseline.rate:.2f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_up(base: str) -> None:
    """Poll /healthz until the server answers (30 s at most)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


if __name__ == "__main__":
    main()
