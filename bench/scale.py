"""Per-sale cost with 1,000 cards and with 1,000,000 cards (and their ledger rows) in the
database, and the plans of the hot queries at that size.

In one process, on a scratch PostgreSQL database: seed BENCH_SCALE_SMALL (1,000) cards of
one merchant with COPY (each with a ledger line, a sale, a voucher, an event, its delivery
and an inbound event), send BENCH_SCALE_SALES (300) sales of new customers through the app
(Flask's test client: no HTTP, so the machine's load disturbs less), then grow the database
to BENCH_SCALE_CARDS (1,000,000) and send as many again. Printed for each size: the median
and p90 time of a sale, CPU per sale, SQL statements and transactions per sale (counted by
a SQLAlchemy listener) and WAL bytes per sale (``pg_current_wal_lsn()`` around groups of
sales; the lowest group is quoted, since other databases of the server write WAL too).
Then the hot queries, captured as the app sends them, run under ``EXPLAIN (ANALYZE,
BUFFERS)`` at the large size: bench/plans.py.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass

import psycopg
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

from bench import plans
from bench.harness import scratch_database
from bench.ingest import PROGRAM, sale
from bench.seeding import Owner, seed
from connectors.connections.models import PosConnection
from gateway import create_app, migrate
from gateway.config import Settings
from gateway.crypto import secret_box
from gateway.ids import new_id
from gateway.tenancy.service import create_merchant
from webhooks.models import WebhookEndpoint

SMALL = int(os.environ.get("BENCH_SCALE_SMALL", "1000"))
LARGE = int(os.environ.get("BENCH_SCALE_CARDS", "1000000"))
SALES = int(os.environ.get("BENCH_SCALE_SALES", "300"))
GROUP = 25


@dataclass(frozen=True)
class SaleCost:
    """What one size costs per sale."""

    cards: int
    median_ms: float
    p90_ms: float
    cpu_ms: float
    statements: float
    transactions: float
    wal_bytes: float

    def line(self) -> str:
        """One printable summary line."""
        return (
            f"{self.cards:>9,} cards: sale median {self.median_ms:6.2f} ms  p90 "
            f"{self.p90_ms:6.2f} ms  CPU {self.cpu_ms:5.2f} ms  statements {self.statements:4.1f}"
            f"  transactions {self.transactions:3.1f}  WAL {self.wal_bytes:7,.0f} B per sale"
        )


def wal_lsn(dsn: str) -> int:
    """The server's current WAL position in bytes."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        row = connection.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").fetchone()
    assert row is not None
    return int(row[0])


def measure(client: FlaskClient, key: str, engine: Engine, dsn: str, cards: int) -> SaleCost:
    """Send SALES sales of new customers; their cost per sale."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    phase = 1 if cards <= SMALL else 2
    for warm in range(20):
        client.post("/v1/sales", data=sale(phase + 7, warm), headers=headers)
    counts: Counter[str] = Counter()

    def statement(*_args: object) -> None:
        counts["statement"] += 1

    def transaction(*_args: object) -> None:
        counts["transaction"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", transaction)
    latencies, wal = [], []
    cpu = time.process_time()
    for first in range(0, SALES, GROUP):
        before = wal_lsn(dsn)
        for sequence in range(first, min(first + GROUP, SALES)):
            started = time.perf_counter()
            answer = client.post("/v1/sales", data=sale(phase, sequence), headers=headers)
            latencies.append(time.perf_counter() - started)
            if answer.status_code != 201:
                raise SystemExit(f"sale refused: {answer.status_code} {answer.get_json()}")
        wal.append((wal_lsn(dsn) - before) / min(GROUP, SALES - first))
    cpu = time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", statement)
    event.remove(engine, "commit", transaction)
    cuts = statistics.quantiles(latencies, n=10)
    return SaleCost(
        cards,
        statistics.median(latencies) * 1000,
        cuts[8] * 1000,
        cpu / SALES * 1000,
        counts["statement"] / SALES,
        counts["transaction"] / SALES,
        min(wal),
    )


def set_up(app: Flask, settings: Settings) -> tuple[Owner, str]:
    """The merchant, its program, a webhook endpoint (so sales write deliveries) and a Poster
    connection (so inbound events have one); returns them and the merchant's API key."""
    factory = app.extensions["stampgate"].session_factory
    box = secret_box(settings.secret_key)
    with factory() as session:
        merchant, issued = create_merchant(session, name="Scale", currency="EUR", timezone="UTC")
        merchant_id = merchant.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issued.plaintext}"}
    program = client.post("/v1/programs", json=PROGRAM, headers=headers)
    if program.status_code != 201:
        raise SystemExit(f"program refused: {program.get_json()}")
    owner = Owner(merchant_id, program.get_json()["id"], new_id("whe"), new_id("pcn"))
    with factory() as session:
        session.add(
            WebhookEndpoint(
                id=owner.endpoint_id,
                merchant_id=merchant_id,
                url="http://127.0.0.1:9/hooks",
                secret=box.seal("whsec_scale"),
                status="enabled",
                failing_announced=False,
            )
        )
        session.add(
            PosConnection(
                id=owner.connection_id,
                merchant_id=merchant_id,
                program_id=owner.program_id,
                pos="poster",
                account="scale",
                credentials=box.seal(json.dumps({"application_secret": "s"})),
            )
        )
        session.commit()
    return owner, issued.plaintext


def main() -> None:
    """Measure both sizes, print them and the ratio, then the hot queries' plans."""
    print(f"sales={SALES} per size, cpus={os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    with scratch_database("stampgate_scale") as (url, _name):
        migrate.upgrade(url)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
        settings = Settings(
            database_url=url,
            embedded_dispatcher=False,
            secret_key="scale-bench",
            log_level="warning",
        )
        app = create_app(settings)
        engine = app.extensions["stampgate"].engine
        owner, key = set_up(app, settings)
        client = app.test_client()
        seed(dsn, owner, 0, SMALL)
        small = measure(client, key, engine, dsn, SMALL)
        print(small.line(), flush=True)
        started = time.perf_counter()
        seed(dsn, owner, SMALL, LARGE)
        print(f"seeded {LARGE - SMALL:,} more cards in {time.perf_counter() - started:.0f} s")
        large = measure(client, key, engine, dsn, LARGE)
        print(large.line(), flush=True)
        ratio = large.median_ms / small.median_ms
        print(f"ratio per-sale cost {LARGE:,} : {SMALL:,} cards = {ratio:.3f}  (target <= 1.2)")
        print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
        plans.report(app, client, key, owner, LARGE)
        app.extensions["stampgate"].close()


if __name__ == "__main__":
    main()
