"""Shared bench parts: a scratch PostgreSQL database, gunicorn servers, a load driver."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import requests
from sqlalchemy.engine import make_url

from gateway import migrate

SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
"""Turns that loads compared in one bench take (``drive_alternately``)."""
WARM_UP_SECONDS = 1.0
POSTGRES_URL = os.environ.get(
    "STAMPGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SERVERS: dict[int, int] = {}
"""The gunicorn master's pid by port, for the servers running now."""
# A request: (method, path, body, headers), built per call so bodies can differ.
Request = tuple[str, str, bytes | None, dict[str, str]]
RequestFactory = Callable[[int, int], Request]
WEB_TIER = {"STAMPGATE_EMBEDDED_DISPATCHER": "false"}
"""The gateway as deployed on PostgreSQL: gunicorn serves requests and nothing else, since
``stampgate worker`` does the background work. Left on, every web worker would also run the
embedded mode's threads, each polling its queue table every second."""


@dataclass
class Result:
    """Throughput and latency of one scenario."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    dropped: int = 0
    """Requests whose connection closed before an answer came: a worker recycled after
    gunicorn's ``max_requests`` closes its keep-alive connections. The client reconnects."""
    warm_up_requests: int = 0
    """Answered in the warm-up turn, in none of the figures (the work they did is done)."""

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.requests / self.seconds

    def percentile_ms(self, percent: int) -> float:
        """The latency ``percent`` of the answered requests stayed within, in milliseconds."""
        return statistics.quantiles(self.latencies, n=100)[percent - 1] * 1000

    def line(self) -> str:
        """One printable summary line."""
        return (
            f"{self.name:<28} {self.rate:9.1f} /s   p50 {self.percentile_ms(50):7.2f} ms"
            f"   p99 {self.percentile_ms(99):7.2f} ms   errors {self.errors}"
            f"   dropped {self.dropped}"
        )


def admin_dsn() -> str:
    """libpq DSN of the server's maintenance database."""
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)


@contextmanager
def scratch_database(prefix: str) -> Iterator[tuple[str, str]]:
    """A new empty database: yields (SQLAlchemy URL, name); dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False), name
    finally:
        with psycopg.connect(admin_dsn(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def gunicorn(
    app_spec: str, env: dict[str, str], cwd: str | None = None, options: tuple[str, ...] = ()
) -> Iterator[int]:
    """Serve ``app_spec`` with the gateway's gunicorn settings (``options`` override them on
    the command line); yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:gateway.server.config"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *options]
    command.append(app_spec)
    quiet = {"STAMPGATE_SECRET_KEY": uuid.uuid4().hex, "STAMPGATE_LOG_LEVEL": "warning"}
    server = subprocess.Popen(
        command,
        env={**os.environ, **quiet, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(port)
        SERVERS[port] = server.pid
        yield port
    finally:
        SERVERS.pop(port, None)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_up(port: int) -> None:
    # The master listens at once; the workers answer only once they have imported the app.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return  # any answer, even a 404 of a bare app, means a worker is serving
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answers on {port}")


@dataclass(frozen=True)
class Load:
    """One scenario to drive: requests built by ``make_request(client, sequence)`` sent to
    ``port``; an answer with a status in ``ok`` counts."""

    name: str
    port: int
    make_request: RequestFactory
    ok: frozenset[int]


def drive_alternately(*loads: Load, rounds: int = ROUNDS) -> list[Result]:
    """Drive every load for SECONDS in all, in ``rounds`` turns taken one load after the other
    (after a warm-up turn of each that is not counted).

    The ratio of two loads is the figure that matters, and a shared machine's speed drifts
    from one minute to the next: taking turns puts each load through the same drift. Each
    client's sequence numbers go on from turn to turn, so no request repeats an earlier one.
    """
    sequences = [[0] * CONCURRENCY for _ in loads]
    # A turn not counted: connections, caches and lazy imports settle first.
    warm_ups = [_drive_for(load, WARM_UP_SECONDS, sequences[n]) for n, load in enumerate(loads)]
    parts: list[list[Result]] = [[] for _ in loads]
    for _round in range(rounds):
        for index, load in enumerate(loads):
            parts[index].append(_drive_for(load, SECONDS / rounds, sequences[index]))
    return [_merged(*each) for each in zip(loads, warm_ups, parts, strict=True)]


def _merged(load: Load, warm_up: Result, results: list[Result]) -> Result:
    return Result(
        load.name,
        sum(result.requests for result in results),
        warm_up.errors + sum(result.errors for result in results),
        sum(result.seconds for result in results),
        [latency for result in results for latency in result.latencies],
        dropped=warm_up.dropped + sum(result.dropped for result in results),
        warm_up_requests=warm_up.requests,
    )


def _drive_for(load: Load, seconds: float, sequences: list[int]) -> Result:
    latencies: list[float] = []
    tally = {"errors": 0, "dropped": 0}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(worker: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", load.port, timeout=30)
        mine: list[float] = []
        counts = {"errors": 0, "dropped": 0}
        while time.perf_counter() < stop_at:
            method, path, body, headers = load.make_request(worker, sequences[worker])
            sequences[worker] += 1
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                counts["dropped"] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", load.port, timeout=30)
                continue
            if response.status in load.ok:
                mine.append(time.perf_counter() - started)
            else:
                counts["errors"] += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for kind, count in counts.items():
                tally[kind] += count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONCURRENCY)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    return Result(load.name, len(latencies), tally["errors"], took, latencies, tally["dropped"])


def provision_merchant(port: int, admin_token: str) -> str:
    """Create a merchant on the running gateway; returns its API key."""
    response = requests.post(
        f"http://127.0.0.1:{port}/admin/v1/merchants",
        json={"name": "Bench", "currency": "EUR", "timezone": "UTC"},
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=10,
    )
    response.raise_for_status()
    key: str = response.json()["api_key"]
    return key


@contextmanager
def gateway_with_merchant(
    extra_env: dict[str, str] | None = None, options: tuple[str, ...] = ()
) -> Iterator[tuple[int, str]]:
    """The gateway under gunicorn on a fresh migrated database: yields (port, merchant API key)."""
    admin_token = uuid.uuid4().hex
    with scratch_database("stampgate_bench") as (url, _name):
        migrate.upgrade(url)
        env = {"STAMPGATE_DATABASE_URL": url, "STAMPGATE_ADMIN_TOKEN": admin_token, **WEB_TIER}
        env.update(extra_env or {})
        with gunicorn("gateway:create_app()", env, options=options) as port:
            yield port, provision_merchant(port, admin_token)
