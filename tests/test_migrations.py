"""One set of migrations for SQLite and PostgreSQL, and no drift from the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from gateway import migrate
from gateway.db import build_engine
from gateway.models import Base


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
