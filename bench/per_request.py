"""Per-request cost in process: database round trips and CPU time of each hot path.

Builds the gateway app on a scratch PostgreSQL database (``BENCH_PER_REQUEST_URL`` to use
another, e.g. a SQLite file) with one merchant, its program, its Poster connection (Poster's
API a local stand-in), one webhook endpoint and a card holding unredeemed code vouchers,
then sends each hot request (a Poster hook: a new change each time) BENCH_REQUESTS (300) times
through Flask's test client, one at a time. For each it prints the round trips one request
makes (statements, the BEGIN, COMMIT and ROLLBACK psycopg actually sends, and a pool's
pre-ping, counted by engine and pool events) and the CPU time this process spends per request
(``time.process_time``: the gateway's own work, not PostgreSQL's). ``BENCH_PROFILE=1`` adds
the top lines of a pyinstrument profile of each scenario.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer
from sqlalchemy import Connection, Engine, event

from bench.harness import scratch_database
from bench.ingest import PROGRAM, sale
from bench.poster_ack import ACCOUNT, SECRET, poster_home, signed_hook
from bench.redeem import REWARD
from gateway import create_app, migrate
from gateway.config import Settings
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.vouchers.issuing import Source, issue_voucher
from webhooks.models import WebhookEndpoint

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
ADMIN_TOKEN = uuid.uuid4().hex


class RoundTrips:
    """Counts what the engine sends to the database, by kind."""

    def __init__(self, engine: Engine) -> None:
        self.counts: Counter[str] = Counter()
        self.statements: list[str] = []
        pre_ping = bool(getattr(engine.pool, "_pre_ping", False))
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._ending("COMMIT"))
        event.listen(engine, "rollback", self._ending("ROLLBACK"))
        event.listen(engine.pool, "reset", self._reset)
        event.listen(engine.pool, "checkout", self._checkout if pre_ping else self._nothing)

    def _statement(self, *args: Any) -> None:
        statement: str = args[2]
        executemany: bool = args[5]
        if _opens_transaction(args[0].connection.dbapi_connection):
            self.counts["BEGIN"] += 1
        verb = statement.lstrip().split(None, 1)[0].upper()
        self.counts[verb] += 1
        self.statements.append(("many " if executemany else "") + " ".join(statement.split())[:90])

    def _ending(self, kind: str) -> Callable[[Connection], None]:
        def count(connection: Connection) -> None:
            if not _idle(connection.connection.dbapi_connection):
                self.counts[kind] += 1

        return count

    def _reset(self, dbapi_connection: Any, _record: Any, _state: Any) -> None:
        if not _idle(dbapi_connection):
            self.counts["ROLLBACK"] += 1

    def _checkout(self, *_args: Any) -> None:
        self.counts["pre-ping"] += 1

    @staticmethod
    def _nothing(*_args: Any) -> None:
        return None

    def mark(self) -> None:
        """A request starts: the statements listed are the last request's."""
        self.statements.clear()

    def reset(self) -> None:
        """Start counting afresh."""
        self.counts.clear()
        self.statements.clear()


def _idle(dbapi_connection: Any) -> bool:
    # psycopg sends no COMMIT or ROLLBACK when no transaction is open: only a live one is a trip.
    info = getattr(dbapi_connection, "info", None)
    return info is not None and info.transaction_status == 0


def _opens_transaction(dbapi_connection: Any) -> bool:
    # psycopg sends BEGIN before a statement when it is idle and not in autocommit mode.
    return not getattr(dbapi_connection, "autocommit", True) and _idle(dbapi_connection)


@dataclass
class Scenario:
    """One hot request, built per call so each can differ."""

    name: str
    send: Callable[[FlaskClient, int], int]
    expect: int


def _seed(app: Flask, client: FlaskClient) -> tuple[dict[str, str], list[str]]:
    """A merchant, program, endpoint and a card with REQUESTS * 2 + 2 code vouchers."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    created = client.post(
        "/admin/v1/merchants",
        json={"name": "Bench", "currency": "EUR", "timezone": "UTC"},
        headers=admin,
    ).get_json()
    headers = {"Authorization": f"Bearer {created['api_key']}"}
    merchant_id = created["merchant"]["id"] if "merchant" in created else created["id"]
    program = client.post("/v1/programs", json=PROGRAM, headers=headers).get_json()
    poster = {
        "pos": "poster",
        "program_id": program["id"],
        "account": ACCOUNT,
        "application_secret": SECRET,
        "access_token": "unused",
    }
    assert client.post("/v1/connections", json=poster, headers=headers).status_code == 201
    pizza = {**PROGRAM, "name": "Pizza", "rules": [{"kind": "per_sale", "stamps": 1}]}
    other = client.post("/v1/programs", json=pizza, headers=headers).get_json()
    card = client.post("/v1/cards", json={"program_id": other["id"]}, headers=headers).get_json()
    ext = app.extensions["stampgate"]
    codes: list[str] = []
    with ext.session_factory() as session:
        session.add(
            WebhookEndpoint(
                id=f"whe_{uuid.uuid4().hex[:20]}",
                merchant_id=merchant_id,
                url="https://receiver.invalid/hooks",
                status="enabled",
                secret="sealed",
                failing_announced=False,
            )
        )
        holder = get_card(session, merchant_id, card["number"])
        for _ in range(REQUESTS * 2 + 2):
            manual = Source(kind="manual")
            voucher = issue_voucher(session, merchant_id, REWARD, holder, manual, "UTC")
            codes.append(voucher.code or "")
        session.commit()
    return headers, codes


def _scenarios(headers: dict[str, str], codes: list[str]) -> list[Scenario]:
    json_headers = {**headers, "Content-Type": "application/json"}

    def post_sale(client: FlaskClient, n: int) -> int:
        body = sale(99, n) if n >= 0 else sale(98, 0)
        return client.post("/v1/sales", data=body, headers=json_headers).status_code

    def read_merchant(client: FlaskClient, _n: int) -> int:
        return client.get("/v1/merchant", headers=headers).status_code

    def code_request(path: str, offset: int) -> Callable[[FlaskClient, int], int]:
        def send(client: FlaskClient, n: int) -> int:
            # n = -1 is the warm-up: a code of its own, past the counted ones.
            index = offset + n if n >= 0 else REQUESTS * 2 + offset // REQUESTS
            body = {"code": codes[index], "pos_transaction_id": f"T-{n}"}
            return client.post(path, data=json.dumps(body), headers=json_headers).status_code

        return send

    def health(client: FlaskClient, _n: int) -> int:
        return client.get("/healthz").status_code

    def poster_hook(client: FlaskClient, n: int) -> int:
        body = signed_hook(1, n + 1)  # the warm-up (n = -1) is a change of its own
        return client.post("/hooks/poster", data=body, content_type="application/json").status_code

    return [
        Scenario("GET /healthz", health, 200),
        Scenario("POST /v1/sales", post_sale, 201),
        Scenario("GET /v1/merchant", read_merchant, 200),
        Scenario("POST /v1/codes/check", code_request("/v1/codes/check", 0), 200),
        Scenario("POST /v1/codes/redeem", code_request("/v1/codes/redeem", REQUESTS), 200),
        Scenario("POST /hooks/poster", poster_hook, 200),
    ]


@contextmanager
def _profiled(name: str) -> Iterator[None]:
    if os.environ.get("BENCH_PROFILE") != "1":
        yield
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        renderer = ConsoleRenderer(unicode=False, color=False, flat=True, show_all=False)
        text = profiler.output(renderer)
        top = [line for line in text.splitlines() if line.strip()][:28]
        print(f"--- profile of {name} (self time, top functions)")
        print("\n".join(top))


def _measure(client: FlaskClient, trips: RoundTrips, scenario: Scenario) -> None:
    # One untimed request warms caches; then the last of the counted ones shows its statements.
    if scenario.send(client, -1) != scenario.expect:
        raise SystemExit(f"{scenario.name} failed its warm-up")
    trips.reset()
    with _profiled(scenario.name):
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(REQUESTS):
            trips.mark()
            status = scenario.send(client, n)
            if status != scenario.expect:
                raise SystemExit(f"{scenario.name} answered {status}")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per = {kind: count / REQUESTS for kind, count in sorted(trips.counts.items())}
    total = sum(per.values())
    kinds = " ".join(f"{kind}={count:g}" for kind, count in per.items())
    print(
        f"{scenario.name:<24} round trips/request {total:5.2f}  ({kinds})"
        f"   cpu {cpu / REQUESTS * 1000:6.2f} ms   wall {wall / REQUESTS * 1000:6.2f} ms"
    )
    if os.environ.get("BENCH_STATEMENTS") == "1":
        print("    " + "\n    ".join(trips.statements))


def run(database_url: str) -> None:
    """Seed, then measure every scenario on this database."""
    with poster_home() as home:
        _run(database_url, home)


def _run(database_url: str, poster_api_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        redis_url=None,
        embedded_dispatcher=False,
        secret_key=uuid.uuid4().hex,
        log_level="warning",
        limit_code_attempts_per_key="100000000/minute",
        limit_code_attempts_per_location="100000000/minute",
        poster_api_url=poster_api_url,
        webhook_allowed_networks=("127.0.0.0/8",),
    )
    app = create_app(settings)
    try:
        client = app.test_client()
        headers, codes = _seed(app, client)
        trips = RoundTrips(app.extensions["stampgate"].engine)
        print(f"requests={REQUESTS} backend={app.extensions['stampgate'].engine.dialect.name}")
        for scenario in _scenarios(headers, codes):
            _measure(client, trips, scenario)
    finally:
        app.extensions["stampgate"].close()


def main() -> None:
    """On ``BENCH_PER_REQUEST_URL`` when given, else on a scratch PostgreSQL database."""
    given = os.environ.get("BENCH_PER_REQUEST_URL")
    if given:
        migrate.upgrade(given)
        run(given)
        return
    with scratch_database("stampgate_per_request") as (url, _name):
        migrate.upgrade(url)
        run(url)


if __name__ == "__main__":
    main()
