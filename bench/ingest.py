"""Sale ingest against its ceilings: ``POST /v1/sales`` vs ``pgbench -N``, a bare Flask
endpoint and the ceiling app (bare Flask + psycopg doing the minimal sale, bench/ceiling.py).

Starts gunicorn (the gateway's settings, web tier only: ``bench.harness.WEB_TIER``) against a
scratch PostgreSQL database and drives
``POST /v1/sales`` with a new customer per sale (each sale enrols a card, stamps it and
writes its events) at BENCH_CONCURRENCY (16) for BENCH_SECONDS (20), taking turns with a
bare Flask JSON endpoint and the ceiling app under the same gunicorn settings; then
``pgbench -N`` at the same concurrency. Prints the ratios.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests
from sqlalchemy.engine import make_url

from bench import ceiling
from bench.harness import (
    CONCURRENCY,
    ROUNDS,
    SECONDS,
    Load,
    drive_alternately,
    gateway_with_merchant,
    gunicorn,
    scratch_database,
)
from gateway import migrate

PROGRAM = {
    "name": "Coffee card",
    "stamps_goal": 9,
    "reward": {"type": "voucher", "description": "Free coffee", "redemption": "staff"},
    "milestones": [{"stamps": 3, "reward": {"type": "award", "description": "Cookie"}}],
    "rules": [{"kind": "per_item", "stamps": 1, "products": ["12"]}],
}


def sale(worker: int, sequence: int) -> bytes:
    """A two-line sale of a customer never seen before."""
    body = {
        "transaction_id": f"T-{worker}-{sequence}",
        "closed_at": "2026-11-22T10:00:00Z",
        "currency": "EUR",
        "total": 900,
        "location": "main",
        "customer": {"phone": f"+38050{worker:02d}{sequence:05d}"},
        "lines": [
            {"product": "12", "category": "3", "name": "Latte", "quantity": 2, "amount": 700},
            {"product": "40", "category": "5", "name": "Cookie", "quantity": 1, "amount": 200},
        ],
    }
    return json.dumps(body).encode()


@contextmanager
def gateway_sales() -> Iterator[Load]:
    """Sales through the whole gateway."""
    with gateway_with_merchant() as (port, key):
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        requests.post(
            f"http://127.0.0.1:{port}/v1/programs", json=PROGRAM, headers=headers, timeout=10
        ).raise_for_status()
        yield Load(
            "POST /v1/sales (gateway)",
            port,
            lambda w, s: ("POST", "/v1/sales", sale(w, s), headers),
            frozenset({201}),
        )


@contextmanager
def _served_beside(app_spec: str, name: str, path: str, env: dict[str, str]) -> Iterator[Load]:
    """The sales sent to an app module of this folder under the same gunicorn settings."""
    headers = {"Content-Type": "application/json"}
    here = str(Path(__file__).parent)
    env = {**env, "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])}
    with gunicorn(app_spec, env, cwd=here) as port:
        yield Load(name, port, lambda w, s: ("POST", path, sale(w, s), headers), frozenset({201}))


@contextmanager
def bare_sales() -> Iterator[Load]:
    """The same request shape through a bare Flask app under the same gunicorn settings."""
    with _served_beside("bare_app:app", "POST /bare (bare Flask)", "/bare", {}) as load:
        yield load


@contextmanager
def ceiling_sales() -> Iterator[Load]:
    """The same sales through the ceiling app on a migrated scratch database."""
    with scratch_database("stampgate_ceiling") as (url, _name):
        migrate.upgrade(url)
        env = ceiling.seed(make_url(url).set(drivername="postgresql").render_as_string(False))
        with _served_beside("ceiling:app", "POST /v1/sales (ceiling)", "/v1/sales", env) as load:
            yield load


def measure_pgbench() -> float:
    """Transactions per second of ``pgbench -N`` at the same concurrency and duration."""
    with scratch_database("stampgate_pgbench") as (_url, name):
        common = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(
            ["pgbench", *common, "-i", "-q", "-s", "10", name], check=True, capture_output=True
        )
        run = subprocess.run(
            [
                "pgbench",
                *common,
                "-N",
                "-n",
                "-c",
                str(CONCURRENCY),
                "-j",
                "2",
                "-T",
                str(int(SECONDS)),
                name,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    match = re.search(r"tps = ([\d.]+)", run.stdout)
    if match is None:
        raise SystemExit(f"pgbench printed no tps:\n{run.stdout}")
    return float(match.group(1))


def main() -> None:
    """Run the four measurements and print them with the ratios."""
    print(f"concurrency={CONCURRENCY} seconds={SECONDS:g} in {ROUNDS} turns cpus={os.cpu_count()}")
    with ExitStack() as servers:
        loads = [
            servers.enter_context(serve()) for serve in (gateway_sales, bare_sales, ceiling_sales)
        ]
        ingest, bare, ceiling_result = drive_alternately(*loads)
    for result in (ingest, bare, ceiling_result):
        print(result.line(), flush=True)
    pgbench_tps = measure_pgbench()
    print(f"{'pgbench -N':<28} {pgbench_tps:9.1f} tps", flush=True)
    print(f"ratio ingest : pgbench -N  = {ingest.rate / pgbench_tps:.3f}  (target >= 0.8)")
    print(f"ratio ingest : bare Flask  = {ingest.rate / bare.rate:.3f}  (target >= 0.5)")
    print(f"ratio ingest : ceiling app = {ingest.rate / ceiling_result.rate:.3f}  (target >= 0.5)")
    if ingest.errors:
        sys.exit(f"{ingest.errors} sales failed")
    if ceiling_result.errors:
        sys.exit(f"{ceiling_result.errors} ceiling sales failed")


if __name__ == "__main__":
    main()
