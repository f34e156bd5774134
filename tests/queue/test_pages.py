"""Queue tables keep room on their pages (PostgreSQL): a claim's lease is a heap-only update,
so claiming a batch adds nothing to the table's indexes however full the table is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from connectors.inbox.processing import INBOX
from gateway import migrate
from gateway.campaigns.queues import PLANS, SENDS
from gateway.db import build_engine, build_session_factory
from gateway.queue.table import QueueTable
from gateway.wallet.apple.pushing import PUSHES
from gateway.wallet.google.queue import JOBS
from tests.support.services import fresh_postgres_database
from webhooks.deliver import DELIVERIES

QUEUES: tuple[QueueTable, ...] = (DELIVERIES, INBOX, PUSHES, JOBS, PLANS, SENDS)  # type: ignore[type-arg]
ROWS = 400  # about ten full pages of deliveries, twenty half-full ones


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """A migrated PostgreSQL database of this module's own."""
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        engine = build_engine(url)
        yield engine
        engine.dispose()


def test_every_queue_table_keeps_half_of_each_page_free(engine: Engine) -> None:
    names = [queue.model.__tablename__ for queue in QUEUES]
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:names)"),
            {"names": names},
        )
        options = dict(rows.tuples().all())
    assert {name: options.get(name) for name in names} == {
        name: ["fillfactor=50"] for name in names
    }


def test_a_claim_leaves_every_claimed_delivery_on_its_page(engine: Engine) -> None:
    _add_due_deliveries(engine, ROWS)
    before = _pages(engine)
    assert len(set(before.values())) >= 5, "the deliveries fill several pages"
    sessions = build_session_factory(engine)
    with sessions() as session:
        claimed = DELIVERIES.claim(session, timedelta(minutes=1))
        session.commit()
        claimed_ids = [delivery.id for delivery in claimed]

    assert len(claimed_ids) == DELIVERIES.batch
    after = _pages(engine)
    moved = [row_id for row_id in claimed_ids if after[row_id] != before[row_id]]
    assert moved == [], "a claimed row moved to another page: the update was not heap-only"
    with engine.connect() as connection:
        leased = connection.scalar(
            text("SELECT count(*) FROM deliveries WHERE locked_until IS NOT NULL")
        )
    assert leased == DELIVERIES.batch


def _pages(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, (ctid::text::point)[0]::int FROM deliveries"))
        return dict(rows.tuples().all())


def _add_due_deliveries(engine: Engine, count: int) -> None:
    # Rows as the gateway writes them, oldest due first, inserted in one go like a busy day's.
    statements = [
        "INSERT INTO merchants (id, name, currency, timezone, created_at)"
        " VALUES ('mer_pages', 'Pages', 'EUR', 'UTC', now())",
        "INSERT INTO webhook_endpoints (id, merchant_id, url, status, secret,"
        " failing_announced, created_at, updated_at) VALUES ('wep_pages', 'mer_pages',"
        " 'https://receiver.example/hooks', 'enabled', 'sealed', false, now(), now())",
        "INSERT INTO events (id, merchant_id, type, data, created_at)"
        " SELECT 'evt_' || md5(i::text), 'mer_pages', 'stamps.added', '{}'::jsonb, now()"
        " FROM generate_series(1, :count) i",
        "INSERT INTO deliveries (id, merchant_id, endpoint_id, event_id, status, attempts,"
        " next_attempt_at, created_at, updated_at)"
        " SELECT 'dlv_' || md5(i::text), 'mer_pages', 'wep_pages', 'evt_' || md5(i::text),"
        " 'pending', 0, now() - interval '1 hour' + i * interval '1 ms', now(), now()"
        " FROM generate_series(1, :count) i",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), {"count": count})
