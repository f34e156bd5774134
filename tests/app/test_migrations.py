"""One set of migrations for SQLite and PostgreSQL, and no drift from the models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, BigInteger, TableClause, column, inspect, select, table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from gateway import migrate
from gateway.db import build_engine
from gateway.loyalty.programs.service import mechanics_of
from gateway.models import Base, Program
from tests.support.services import fresh_postgres_database


def test_models_and_migrations_do_not_drift(database_url: str) -> None:
    engine = build_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == [], f"models and migrations differ; add a migration: {differences}"


def test_database_is_at_the_single_head(database_url: str) -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config(database_url)).get_heads()
    assert len(heads) == 1, "migrations branched; merge them"
    engine = build_engine(database_url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == heads[0]
    engine.dispose()


def test_upgrade_is_repeatable_and_downgrade_reverses_it(tmp_path: str) -> None:
    url = f"sqlite:///{tmp_path}/cycle.db"
    migrate.upgrade(url)
    migrate.upgrade(url)
    tables = set(inspect(build_engine(url)).get_table_names())
    assert {"merchants", "api_keys", "idempotency_keys"} <= tables
    from alembic import command

    command.downgrade(migrate.alembic_config(url), "base")
    assert set(inspect(build_engine(url)).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert set(inspect(build_engine(url)).get_table_names()) == tables


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each backend with no schema yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    with fresh_postgres_database() as url:
        yield url


def _columns(name: str, *names: str, json: tuple[str, ...] = ()) -> TableClause:
    json_type = JSON().with_variant(JSONB(), "postgresql")
    return table(name, *(column(c) for c in names), *(column(c, json_type) for c in json))


MERCHANTS = _columns("merchants", "id", "name", "currency", "timezone", "created_at")
PROGRAMS = _columns(
    "programs",
    *("id", "merchant_id", "name", "stamps_goal", "stampless_when_redeeming"),
    *("auto_enroll", "created_at", "updated_at"),
    json=("reward", "milestones", "rules"),
)


def _program_row(
    program_id: str, merchant_id: str, rules: list[dict[str, object]]
) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": program_id,
        "merchant_id": merchant_id,
        "name": "Card",
        "stamps_goal": 9,
        "stampless_when_redeeming": True,
        "auto_enroll": True,
        "created_at": now,
        "updated_at": now,
        "reward": {"type": "award", "description": "Coffee"},
        "milestones": [],
        "rules": rules,
    }


def test_wide_integers_brings_stored_rules_within_their_bounds(empty_database: str) -> None:
    migrate.upgrade(empty_database, "0005_pos_connections")
    now = datetime.now(UTC)
    engine = build_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            MERCHANTS.insert().values(
                id="mer_1", name="Cafe", currency="EUR", timezone="UTC", created_at=now
            )
        )
        connection.execute(
            PROGRAMS.insert().values(
                _program_row(
                    "prg_1",
                    "mer_1",
                    [
                        {"kind": "per_sale", "stamps": 3_000_000_000, "min_total": 10**15},
                        {"kind": "per_amount", "stamps": 2, "every": 10**13},
                    ],
                )
            )
        )
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = build_engine(empty_database)
    with Session(engine) as session:
        program = session.get(Program, "prg_1")
        assert program is not None
        assert program.rules == [
            {"kind": "per_sale", "stamps": 10_000, "min_total": 10**12},
            {"kind": "per_amount", "stamps": 2, "every": 10**12},
        ]
        assert [rule.kind for rule in mechanics_of(program).rules] == ["per_sale", "per_amount"]
    total = {c["name"]: c["type"] for c in inspect(engine).get_columns("sales")}["total"]
    assert isinstance(total, BigInteger)
    engine.dispose()


def test_default_program_keeps_where_sales_without_program_id_went(empty_database: str) -> None:
    migrate.upgrade(empty_database, "0007_audit_events")
    now = datetime.now(UTC)
    owners = {"prg_only": "mer_one", "prg_a": "mer_two", "prg_b": "mer_two"}
    engine = build_engine(empty_database)
    with engine.begin() as connection:
        for merchant_id in sorted(set(owners.values())):
            connection.execute(
                MERCHANTS.insert().values(
                    id=merchant_id, name="Cafe", currency="EUR", timezone="UTC", created_at=now
                )
            )
        for program_id, merchant_id in owners.items():
            connection.execute(
                PROGRAMS.insert().values(
                    _program_row(program_id, merchant_id, [{"kind": "per_sale", "stamps": 1}])
                )
            )
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = build_engine(empty_database)
    with Session(engine) as session:
        defaults = {program.id: program.is_default for program in session.query(Program)}
    engine.dispose()
    # One program: its sales keep going there; several: sales still have to name theirs.
    assert defaults == {"prg_only": True, "prg_a": False, "prg_b": False}


def test_delivery_requests_reads_failed_pending_deliveries_as_retrying(
    empty_database: str,
) -> None:
    migrate.upgrade(empty_database, "0008_default_program")
    now = datetime.now(UTC)
    events = _columns("events", "id", "merchant_id", "type", "created_at", json=("data",))
    endpoints = _columns(
        "webhook_endpoints",
        *("id", "merchant_id", "url", "status", "secret", "failing_announced"),
        *("created_at", "updated_at"),
    )
    deliveries = _columns(
        "deliveries",
        *("id", "merchant_id", "endpoint_id", "event_id", "status", "attempts"),
        *("created_at", "updated_at"),
    )
    engine = build_engine(empty_database)
    with engine.begin() as connection:
        merchant = {"id": "mer_1", "name": "Cafe", "currency": "EUR", "timezone": "UTC"}
        connection.execute(MERCHANTS.insert().values(**merchant, created_at=now))
        connection.execute(
            endpoints.insert().values(
                id="whe_1",
                merchant_id="mer_1",
                url="https://example.com/hooks",
                status="enabled",
                secret="sealed",
                failing_announced=False,
                created_at=now,
                updated_at=now,
            )
        )
        stored = [("new", "pending", 0), ("failed_once", "pending", 2), ("done", "succeeded", 1)]
        for name, status, attempts in stored:
            connection.execute(
                events.insert().values(
                    id=f"evt_{name}",
                    merchant_id="mer_1",
                    type="sale.processed",
                    data={},
                    created_at=now,
                )
            )
            connection.execute(
                deliveries.insert().values(
                    id=f"dlv_{name}",
                    merchant_id="mer_1",
                    endpoint_id="whe_1",
                    event_id=f"evt_{name}",
                    status=status,
                    attempts=attempts,
                    created_at=now,
                    updated_at=now,
                )
            )
    migrate.upgrade(empty_database)
    with engine.connect() as connection:
        statuses = connection.execute(select(deliveries.c.id, deliveries.c.status)).tuples()
        assert dict(statuses.all()) == {
            "dlv_new": "pending",
            "dlv_failed_once": "retrying",
            "dlv_done": "succeeded",
        }
    engine.dispose()
