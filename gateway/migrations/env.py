"""Alembic environment: migrations run online against the configured database."""

from __future__ import annotations

from alembic import context

from gateway.db import build_engine
from gateway.models import Base

config = context.config


def run_migrations() -> None:
    """Run pending migrations in one transaction (batch mode so SQLite can alter tables)."""
    engine = build_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
