"""The hot queries' plans at the scale bench's size: each query is captured as the app sends
it (a SQLAlchemy listener keeps the SQL and its parameters) and run again under ``EXPLAIN
(ANALYZE, BUFFERS)`` in a transaction that is rolled back. One line per query: time, pages
touched, and the scans; a sequential scan or a thousand pages marks a plan that reads too
much.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from bench.seeding import Owner, card_number, seed_code, seed_phone
from connectors.inbox.processing import INBOX
from gateway.queue.table import QueueTable
from webhooks.deliver import DELIVERIES

TOO_MANY_PAGES = 1000
READS = ("SELECT", "UPDATE", "WITH", "DELETE")


@dataclass(frozen=True)
class Captured:
    """One statement the app sent while doing ``label``."""

    label: str
    sql: str
    parameters: Any


def capture(engine: Engine, label: str, action: Callable[[], object]) -> list[Captured]:
    """The reading statements ``action`` sends."""
    found: list[Captured] = []

    def keep(_conn: object, _cursor: object, sql: str, parameters: Any, *rest: object) -> None:
        executemany = rest[-1]
        if not executemany and sql.lstrip().upper().startswith(READS):
            found.append(Captured(label, sql, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return found


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _scan(node: dict[str, Any]) -> str:
    where = node.get("Index Name") or node.get("Relation Name") or ""
    return f"{node['Node Type']}({where}, rows {node.get('Actual Rows', 0):.0f})"


def explain(engine: Engine, captured: Captured) -> str:
    """One summary line of the statement's plan as it runs now."""
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + captured.sql, captured.parameters
        ).scalar()
        connection.rollback()
    top = (plan if isinstance(plan, list) else json.loads(str(plan)))[0]
    root = top["Plan"]
    pages = root.get("Shared Hit Blocks", 0) + root.get("Shared Read Blocks", 0)
    scans = [_scan(node) for node in _nodes(root) if "Scan" in node["Node Type"]]
    seq = any(node["Node Type"] == "Seq Scan" for node in _nodes(root))
    verdict = "READS TOO MUCH" if seq or pages >= TOO_MANY_PAGES else "ok"
    head = " ".join(captured.sql.split())[:70]
    return (
        f"{verdict:<14} {top['Execution Time']:7.2f} ms {pages:6} pages  {captured.label}: "
        f"{'; '.join(scans) or 'no scan'}\n{'':>16}{head}"
    )


def _claim(app: Flask, table: QueueTable[Any]) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        table.claim(session, timedelta(seconds=60))
        session.rollback()


def _page_two(client: FlaskClient, path: str, headers: dict[str, str]) -> None:
    first = client.get(f"{path}?limit=50", headers=headers)
    cursor = (first.get_json() or {}).get("next_cursor")
    if not cursor:
        raise SystemExit(f"{path} gave no second page: {first.status_code} {first.get_json()}")
    client.get(f"{path}?limit=50&cursor={cursor}", headers=headers)


def actions(
    app: Flask, client: FlaskClient, key: str, owner: Owner, size: int
) -> list[tuple[str, Callable[[], object]]]:
    """What the hot paths do, each as (label, action)."""
    headers = {"Authorization": f"Bearer {key}"}
    sale = {
        "transaction_id": "P-1",
        "closed_at": "2026-11-22T10:00:00Z",
        "currency": "EUR",
        "total": 900,
        "customer": {"phone": seed_phone(size // 2)},
        "lines": [{"product": "12", "quantity": 1, "amount": 350}],
    }
    new_customer = {**sale, "transaction_id": "P-2", "customer": {"phone": "+380671112233"}}

    def post(path: str, body: dict[str, Any]) -> Callable[[], object]:
        return lambda: client.post(path, json=body, headers=headers)

    def get(path: str) -> Callable[[], object]:
        return lambda: client.get(path, headers=headers)

    def pages(path: str) -> Callable[[], object]:
        return lambda: _page_two(client, path, headers)

    return [
        ("sale of a seeded customer", post("/v1/sales", sale)),
        ("same sale again (dedupe)", post("/v1/sales", sale)),
        ("sale of a new customer", post("/v1/sales", new_customer)),
        ("card by number", get(f"/v1/cards/{card_number(size // 3)}")),
        ("cards by phone", get(f"/v1/cards?phone={seed_phone(size // 5)}")),
        ("code check", post("/v1/codes/check", {"code": seed_code(size // 4)})),
        ("events, pages 1 and 2", pages("/v1/events")),
        (
            "deliveries, pages 1 and 2",
            pages(f"/v1/webhook-endpoints/{owner.endpoint_id}/deliveries"),
        ),
        ("inbound events, pages 1 and 2", pages("/v1/inbound-events")),
        ("delivery claim", lambda: _claim(app, DELIVERIES)),
        ("inbound claim", lambda: _claim(app, INBOX)),
    ]


def report(app: Flask, client: FlaskClient, key: str, owner: Owner, size: int) -> None:
    """Print the plan summary of every distinct hot statement."""
    engine: Engine = app.extensions["stampgate"].engine
    print(f"hot queries at {size:,} cards (EXPLAIN ANALYZE, BUFFERS):")
    seen: set[str] = set()
    for label, action in actions(app, client, key, owner, size):
        for captured in capture(engine, label, action):
            if captured.sql not in seen:
                seen.add(captured.sql)
                print(explain(engine, captured), flush=True)
