"""The ceiling: a bare Flask + psycopg app that does the minimal sale in one transaction.

Against the gateway's own migrated schema (same tables, same indexes) it finds or creates the
customer's card by phone and adds the sale's stamps (one upsert), stores the sale and its
ledger row, writes three events (``card.created`` or ``card.stamped``, ``card.stamped``,
``sale.processed``) and their deliveries to one endpoint: BEGIN, five statements, COMMIT,
on a ``psycopg_pool`` connection. No authentication, no idempotency, no rules engine, no
validation beyond reading the JSON: what is left is Flask, the driver and PostgreSQL, the most
a sale can cost when nothing else is done. (The gateway's bench merchant has no webhook
endpoint, so the ceiling writes three delivery rows the gateway does not.)

``gunicorn ceiling:app`` with ``CEILING_DATABASE_URL`` (libpq), ``CEILING_MERCHANT``,
``CEILING_PROGRAM`` and ``CEILING_ENDPOINT`` (ids that ``seed`` created).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from datetime import UTC, datetime
from typing import Any

import psycopg
from flask import Flask, request
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

app = Flask(__name__)
_pool: list[ConnectionPool] = []
_pool_lock = threading.Lock()
STAMPED_PRODUCT = "12"  # the bench program's rule: one stamp per item of product 12

_UPSERT_CARD = """
INSERT INTO cards (id, merchant_id, program_id, number, customer_token, phone, stamps, cycle,
                   version, created_at, updated_at, last_visit_at)
VALUES (%(card)s, %(merchant)s, %(program)s, %(number)s, %(token)s, %(phone)s, %(stamps)s, 0,
        1, %(now)s, %(now)s, %(now)s)
ON CONFLICT (program_id, phone) WHERE phone IS NOT NULL
DO UPDATE SET stamps = cards.stamps + EXCLUDED.stamps, version = cards.version + 1,
              updated_at = EXCLUDED.updated_at, last_visit_at = EXCLUDED.last_visit_at
RETURNING id, number, stamps, cycle, (xmax = 0) AS created
"""
_INSERT_SALE = """
INSERT INTO sales (id, merchant_id, source, transaction_id, fingerprint, program_id, card_id,
                   status, total, currency, closed_at, location, body, stamps_added,
                   stamps_reversed, result, created_at)
VALUES (%(sale)s, %(merchant)s, 'api', %(transaction)s, %(fingerprint)s, %(program)s,
        %(card)s, 'processed', %(total)s, %(currency)s, %(closed_at)s, %(location)s, %(body)s,
        %(stamps)s, 0, %(result)s, %(now)s)
"""
_INSERT_ENTRY = """
INSERT INTO stamp_entries (merchant_id, card_id, kind, delta, stamps_after, cycle_after,
                           sale_id, channel, location, created_at)
VALUES (%(merchant)s, %(card)s, 'earn', %(stamps)s, %(stamps_after)s, %(cycle)s, %(sale)s,
        'pos', %(location)s, %(now)s)
"""
_INSERT_EVENTS = """
INSERT INTO events (id, merchant_id, type, card_id, data, created_at)
VALUES (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s)
"""
_INSERT_DELIVERIES = """
INSERT INTO deliveries (id, merchant_id, endpoint_id, event_id, status, attempts,
                        next_attempt_at, created_at, updated_at)
VALUES (%s, %s, %s, %s, 'pending', 0, %s, %s, %s), (%s, %s, %s, %s, 'pending', 0, %s, %s, %s),
       (%s, %s, %s, %s, 'pending', 0, %s, %s, %s)
"""


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def pool() -> ConnectionPool:
    """This worker's pool, opened on first use (after gunicorn forked the worker)."""
    with _pool_lock:
        if not _pool:
            size = int(os.environ.get("STAMPGATE_THREADS", "4"))
            _pool.append(
                ConnectionPool(
                    os.environ["CEILING_DATABASE_URL"], min_size=size, max_size=size, open=True
                )
            )
        return _pool[0]


def _stamps_of(body: dict[str, Any]) -> int:
    lines = body.get("lines") or []
    return sum(int(line["quantity"]) for line in lines if line.get("product") == STAMPED_PRODUCT)


@app.post("/v1/sales")
def record_sale() -> tuple[dict[str, Any], int]:
    """Store one sale and its consequences in one transaction; answer like the gateway."""
    body = request.get_json()
    now = datetime.now(UTC)
    ids = {
        "merchant": os.environ["CEILING_MERCHANT"],
        "program": os.environ["CEILING_PROGRAM"],
        "card": _new_id("crd"),
        "sale": _new_id("sale"),
    }
    stamps = _stamps_of(body)
    with pool().connection() as connection, connection.transaction():
        card = connection.execute(
            _UPSERT_CARD,
            {
                **ids,
                "number": str(secrets.randbelow(10**15)).zfill(16),
                "token": secrets.token_urlsafe(16),
                "phone": body["customer"]["phone"],
                "stamps": stamps,
                "now": now,
            },
        ).fetchone()
        assert card is not None
        card_id, number, stamps_after, cycle, created = card
        result = {"id": ids["sale"], "status": "processed", "card_number": number}
        params = {
            **ids,
            "card": card_id,
            "transaction": body["transaction_id"],
            "fingerprint": secrets.token_hex(32),
            "total": body["total"],
            "currency": body["currency"],
            "closed_at": body["closed_at"],
            "location": body.get("location"),
            "body": Jsonb(body),
            "stamps": stamps,
            "stamps_after": stamps_after,
            "cycle": cycle,
            "result": Jsonb(result),
            "now": now,
        }
        connection.execute(_INSERT_SALE, params)
        connection.execute(_INSERT_ENTRY, params)
        _write_events(connection, ids["merchant"], card_id, created, params, now)
    return {**result, "stamps_added": stamps, "rewards": [], "redemptions": []}, 201


def _write_events(
    connection: psycopg.Connection[Any],
    merchant: str,
    card_id: str,
    created: bool,
    sale: dict[str, Any],
    now: datetime,
) -> None:
    card_data = {"card_id": card_id, "stamps": sale["stamps_after"]}
    events = [
        ("card.created" if created else "card.stamped", card_data),
        ("card.stamped", {**card_data, "delta": sale["stamps"], "sale_id": sale["sale"]}),
        ("sale.processed", {"sale_id": sale["sale"], "card_id": card_id}),
    ]
    event_rows: list[Any] = []
    delivery_rows: list[Any] = []
    endpoint = os.environ["CEILING_ENDPOINT"]
    for event_type, data in events:
        event_id = _new_id("evt")
        event_rows += [event_id, merchant, event_type, card_id, Jsonb(data), now]
        delivery_rows += [_new_id("dlv"), merchant, endpoint, event_id, now, now, now]
    connection.execute(_INSERT_EVENTS, event_rows)
    connection.execute(_INSERT_DELIVERIES, delivery_rows)


def seed(dsn: str) -> dict[str, str]:
    """Create the merchant, its program and a webhook endpoint; returns the app's environment."""
    now = datetime.now(UTC)
    merchant, program, endpoint = _new_id("mer"), _new_id("prg"), _new_id("whe")
    rules = [{"kind": "per_item", "stamps": 1, "products": [STAMPED_PRODUCT]}]
    reward = {"type": "award", "description": "Free coffee"}
    with psycopg.connect(dsn) as connection:
        connection.execute(
            "INSERT INTO merchants (id, name, currency, timezone, created_at)"
            " VALUES (%s, 'Ceiling', 'EUR', 'UTC', %s)",
            (merchant, now),
        )
        connection.execute(
            "INSERT INTO programs (id, merchant_id, name, stamps_goal, reward, milestones, rules,"
            " stampless_when_redeeming, auto_enroll, created_at, updated_at, is_default)"
            " VALUES (%s, %s, 'Coffee card', 9, %s, '[]', %s, true, true, %s, %s, true)",
            (program, merchant, json.dumps(reward), json.dumps(rules), now, now),
        )
        connection.execute(
            "INSERT INTO webhook_endpoints (id, merchant_id, url, status, secret,"
            " failing_announced, created_at, updated_at)"
            " VALUES (%s, %s, 'https://receiver.invalid/hooks', 'enabled', 'sealed', false,"
            " %s, %s)",
            (endpoint, merchant, now, now),
        )
    return {
        "CEILING_DATABASE_URL": dsn,
        "CEILING_MERCHANT": merchant,
        "CEILING_PROGRAM": program,
        "CEILING_ENDPOINT": endpoint,
    }
