"""Webhook delivery throughput and lag against its ceiling, measured in one run.

A receiver process verifies every signature. For 1 and 2 ``stampgate worker`` processes:
BENCH_EVENTS (2000) deliveries are queued, then the workers start, and deliveries/s is
measured from the first arrival to the last (start-up excluded); then events are produced
at BENCH_RATE (50/s) for BENCH_SECONDS (10) with workers running, and the first-attempt
lag (event written to signature verified) is reported as p50/p99. The ceiling: the same
signed bodies POSTed to the same receiver by a plain ``requests.Session`` loop, and by a
pool of two threads.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import redis
import requests
from sqlalchemy import func, select

from bench.harness import free_port, scratch_database
from gateway import create_app, migrate
from gateway.config import Settings
from gateway.crypto import secret_box
from gateway.tenancy.service import create_merchant
from webhooks.models import DeliveryAttempt, WebhookEndpoint
from webhooks.outbox import record_event
from webhooks.signing import envelope, headers, new_secret

EVENTS = int(os.environ.get("BENCH_EVENTS", "2000"))
RATE = float(os.environ.get("BENCH_RATE", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
DATA = {
    "id": "sale_x",
    "transaction_id": "T-1",
    "program_id": "prg_x",
    "card_number": "123456789012",
    "stamps_added": 1,
}


@contextmanager
def process(*command: str, env: dict[str, str] | None = None) -> Any:
    """A child process in its own group, stopped at the end."""
    child = subprocess.Popen(
        [sys.executable, "-m", *command],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield child
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=30)


def arrivals(receiver_url: str) -> dict[str, float]:
    """The receiver's webhook-id -> arrival time map (bad signatures abort the bench)."""
    stats = requests.get(receiver_url, timeout=10).json()
    if stats["bad"]:
        raise SystemExit(f"{stats['bad']} deliveries failed signature verification")
    found: dict[str, float] = stats["arrivals"]
    return found


def write_events(app: Any, merchant_id: str, count: int) -> dict[str, float]:
    """Record ``count`` events (each fans out to the endpoint); returns id -> written time."""
    written: dict[str, float] = {}
    factory = app.extensions["stampgate"].session_factory
    with factory() as session:
        for _ in range(count):
            event = record_event(session, merchant_id, "sale.processed", DATA)
            session.commit()
            written[event.id] = time.time()
    return written


def wait_for(receiver_url: str, ids: set[str], timeout: float) -> dict[str, float]:
    """Poll the receiver until every id arrived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = arrivals(receiver_url)
        if ids <= seen.keys():
            return seen
        time.sleep(0.2)
    raise SystemExit(f"only {len(ids & arrivals(receiver_url).keys())} of {len(ids)} arrived")


def ceiling(url: str, secret: str, threads: int) -> float:
    """POSTs/s of the same signed bodies from plain requests sessions (no gateway)."""
    bodies = [
        envelope(f"evt_ceiling_{n}", "sale.processed", "2026-11-22T10:00:00Z", "mer_x", DATA)
        for n in range(EVENTS)
    ]

    def post_share(share: list[bytes]) -> None:
        with requests.Session() as session:
            for n, body in enumerate(share):
                signed = headers(
                    f"evt_c{threads}_{id(share)}_{n}", int(time.time()), body, [secret]
                )
                session.post(url, data=body, headers=signed, timeout=10).raise_for_status()

    shares = [bodies[n::threads] for n in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(post_share, shares))
    return EVENTS / (time.perf_counter() - started)


def measure(
    settings: Settings, app: Any, merchant_id: str, stats_url: str, workers: int
) -> tuple[float, list[float]]:
    """(deliveries/s from a standing queue, first-attempt lags in seconds at a steady rate)."""
    env = {
        "STAMPGATE_DATABASE_URL": settings.database_url,
        "STAMPGATE_REDIS_URL": REDIS_URL,
        "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "STAMPGATE_SECRET_KEY": "bench",
        "STAMPGATE_LOG_LEVEL": "warning",
    }
    queued = write_events(app, merchant_id, EVENTS)
    with process("gateway", "worker", "--processes", str(workers), env=env):
        seen = wait_for(stats_url, set(queued), timeout=600)
        # From the first arrival to the last: the workers' start-up is not delivery time.
        times = [seen[i] for i in queued]
        rate = (EVENTS - 1) / (max(times) - min(times))
        steady: dict[str, float] = {}
        for _ in range(int(RATE * SECONDS)):
            steady.update(write_events(app, merchant_id, 1))
            time.sleep(1 / RATE)
        seen = wait_for(stats_url, set(steady), timeout=120)
    return rate, [seen[i] - written for i, written in steady.items()]


def failed_attempts(app: Any) -> str:
    """How many attempts failed so far, and the commonest reason."""
    factory = app.extensions["stampgate"].session_factory
    with factory() as session:
        rows = session.execute(
            select(DeliveryAttempt.error, DeliveryAttempt.status_code, func.count())
            .where(DeliveryAttempt.outcome != "succeeded")
            .group_by(DeliveryAttempt.error, DeliveryAttempt.status_code)
            .order_by(func.count().desc())
        ).all()
    if not rows:
        return "failed attempts 0"
    total = sum(row[2] for row in rows)
    return f"failed attempts {total} (most: {rows[0][2]} x {rows[0][0] or rows[0][1]})"


def main() -> None:
    """Run the ceiling and 1- and 2-worker measurements; print numbers and ratios."""
    secret, port = new_secret(), free_port()
    url, stats_url = f"http://127.0.0.1:{port}/hooks", f"http://127.0.0.1:{port}/stats"
    redis.Redis.from_url(REDIS_URL).flushdb()
    with (
        process("bench.receiver", secret, str(port)),
        scratch_database("stampgate_deliver") as (db_url, _),
    ):
        time.sleep(1)
        migrate.upgrade(db_url)
        settings = Settings(
            database_url=db_url,
            redis_url=REDIS_URL,
            embedded_dispatcher=False,
            secret_key="bench",
            webhook_allowed_networks=("127.0.0.0/8",),
            log_level="warning",
        )
        app = create_app(settings)
        factory = app.extensions["stampgate"].session_factory
        with factory() as session:
            merchant, _key = create_merchant(session, name="Bench", currency="EUR", timezone="UTC")
            session.add(
                WebhookEndpoint(
                    id="whe_bench",
                    merchant_id=merchant.id,
                    url=url,
                    secret=secret_box(settings.secret_key).seal(secret),
                    status="enabled",
                    failing_announced=False,
                )
            )
            session.commit()
            merchant_id = merchant.id
        loop, pool = ceiling(url, secret, 1), ceiling(url, secret, 2)
        print(f"events={EVENTS} steady rate={RATE:g}/s for {SECONDS:g}s cpus={os.cpu_count()}")
        print(f"ceiling: requests.Session loop {loop:8.1f}/s   2-thread pool {pool:8.1f}/s")
        rates: dict[int, float] = {}
        for workers, baseline in ((1, loop), (2, pool)):
            rate, lags = measure(settings, app, merchant_id, stats_url, workers)
            rates[workers] = rate
            cuts = statistics.quantiles(lags, n=100)
            print(
                f"{workers} worker(s): {rate:8.1f} deliveries/s  ratio {rate / baseline:.3f}   "
                f"first-attempt lag p50 {cuts[49] * 1000:.0f} ms  p99 {cuts[98] * 1000:.0f} ms   "
                f"{failed_attempts(app)}"
            )
        print(f"ratio 1 worker : requests.Session loop = {rates[1] / loop:.3f}  (target >= 0.8)")
        print(f"ratio 2 workers : 1 worker = {rates[2] / rates[1]:.3f}  (target >= 1.0)")
        app.extensions["stampgate"].close()
    redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    main()
