"""One set of migrations for SQLite and PostgreSQL, and no drift from the models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, BigInteger, Connection, TableClause, column, inspect, select, table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from gateway import migrate
from gateway.customer_links import looks_like_token
from gateway.db import build_engine
from gateway.loyalty.programs.service import mechanics_of
from gateway.models import Base, Card, Program, Voucher
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


CARDS = _columns(
    "cards",
    *("id", "merchant_id", "program_id", "number", "stamps", "cycle", "version"),
    *("created_at", "updated_at"),
)


def _card_row(card_id: str, number: str, now: datetime) -> dict[str, object]:
    return {
        "id": card_id,
        "merchant_id": "mer_1",
        "program_id": "prg_1",
        "number": number,
        "stamps": 0,
        "cycle": 1,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _add_merchant_and_program(connection: Connection, now: datetime) -> None:
    merchant = {"id": "mer_1", "name": "Cafe", "currency": "EUR", "timezone": "UTC"}
    connection.execute(MERCHANTS.insert().values(**merchant, created_at=now))
    connection.execute(PROGRAMS.insert().values(**_program_row("prg_1", "mer_1", [])))


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


def test_list_filters_fill_each_cards_last_visit(empty_database: str) -> None:
    migrate.upgrade(empty_database, "0010_users")
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    sales = _columns(
        "sales",
        *("id", "merchant_id", "source", "transaction_id", "fingerprint", "program_id"),
        *("card_id", "status", "total", "currency", "closed_at", "stamps_added"),
        *("stamps_reversed", "created_at"),
        json=("body", "result"),
    )
    entries = _columns(
        "stamp_entries",
        *("merchant_id", "card_id", "kind", "delta", "stamps_after", "cycle_after", "created_at"),
    )
    engine = build_engine(empty_database)
    with engine.begin() as connection:
        _add_merchant_and_program(connection, now)
        for card_id in ("crd_sold", "crd_stamped", "crd_never"):
            connection.execute(CARDS.insert().values(**_card_row(card_id, card_id, now)))
        for number, closed_at in ((1, datetime(2026, 11, 3, tzinfo=UTC)), (2, now)):
            connection.execute(
                sales.insert().values(
                    id=f"sale_{number}",
                    merchant_id="mer_1",
                    source="api",
                    transaction_id=f"T-{number}",
                    fingerprint="x",
                    program_id="prg_1",
                    card_id="crd_sold",
                    status="processed",
                    total=500,
                    currency="EUR",
                    closed_at=closed_at.replace(hour=9),
                    stamps_added=1,
                    stamps_reversed=0,
                    created_at=now,
                    body={},
                    result={},
                )
            )
        connection.execute(
            entries.insert().values(
                merchant_id="mer_1",
                card_id="crd_stamped",
                kind="manual",
                delta=1,
                stamps_after=1,
                cycle_after=1,
                created_at=datetime(2026, 11, 20, 8, tzinfo=UTC),
            )
        )
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = build_engine(empty_database)
    with Session(engine) as session:
        visits = dict(session.execute(select(Card.id, Card.last_visit_at)).tuples().all())
    engine.dispose()
    assert visits == {
        "crd_sold": datetime(2026, 12, 1, 9, tzinfo=UTC),
        "crd_stamped": datetime(2026, 11, 20, 8, tzinfo=UTC),
        "crd_never": None,
    }


def test_customer_links_give_every_existing_card_and_voucher_a_token_of_its_own(
    empty_database: str,
) -> None:
    migrate.upgrade(empty_database, "0013_analytics_indexes")
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    vouchers = _columns(
        "vouchers",
        *("id", "merchant_id", "card_id", "status", "description", "redemption"),
        *("issued_at", "source_kind"),
        json=("reward",),
    )
    engine = build_engine(empty_database)
    with engine.begin() as connection:
        _add_merchant_and_program(connection, now)
        for number in ("1", "2"):
            connection.execute(CARDS.insert().values(**_card_row(f"crd_{number}", number, now)))
            connection.execute(
                vouchers.insert().values(
                    id=f"vch_{number}",
                    merchant_id="mer_1",
                    card_id=f"crd_{number}",
                    status="active",
                    description="Coffee",
                    redemption="self",
                    issued_at=now,
                    source_kind="goal",
                    reward={"type": "voucher"},
                )
            )
    engine.dispose()
    migrate.upgrade(empty_database)
    engine = build_engine(empty_database)
    with Session(engine) as session:
        tokens = [
            *session.scalars(select(Card.customer_token)),
            *session.scalars(select(Voucher.customer_token)),
        ]
    engine.dispose()
    assert len(tokens) == 4
    assert len(set(tokens)) == 4, "every row gets a token of its own"
    assert all(looks_like_token(token) for token in tokens)
