"""Reaching the real PostgreSQL and Redis the suite runs against."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "STAMPGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def worker_number() -> int:
    """This pytest-xdist worker's number (``gw3`` is 3); 0 in a run without workers."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def worker_redis_url(base_url: str, worker: int) -> str:
    """The Redis database of one worker: the base URL's number counted down by the worker's.

    Workers flush their database and share fixed rq queue and key names, so each needs a
    database of its own; a run without workers keeps the base database itself.
    """
    parts = urlsplit(base_url)
    number = int(parts.path.lstrip("/") or 0) - worker
    if number < 0:
        raise pytest.UsageError(
            f"{base_url} leaves no Redis database for worker {worker}: run fewer workers, or"
            " give STAMPGATE_TEST_REDIS_URL a higher database number"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


REDIS_URL = worker_redis_url(
    os.environ.get("STAMPGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"), worker_number()
)


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def unavailable(reason: str) -> None:
    """Skip locally; in CI a missing service is a failure, never a silent skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required services must be up)")
    pytest.skip(reason)


def libpq_dsn(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg's own ``connect`` takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _admin_dsn() -> str:
    return libpq_dsn(POSTGRES_URL)


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create a throw-away database and yield its URL; dropped afterwards."""
    name = f"stampgate_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_admin_dsn(), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_client() -> redis.Redis:
    """A client of the test Redis database, or skip/fail when it is down."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis unreachable at {REDIS_URL}: {exc}")
    return client


def empty_tables(engine: Engine, metadata: MetaData) -> None:
    """Remove every row, keeping the schema (faster than migrating per test)."""
    tables = list(reversed(metadata.sorted_tables))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
