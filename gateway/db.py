"""Database engine, session factory and the declarative base shared by every model."""

from __future__ import annotations

import random
import select
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import JSON, BigInteger, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import IntegrityError, InvalidatePoolError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from gateway.first_write import start_transactions_at_first_write

T = TypeVar("T")
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # SQLite drops the offset; what it stored was UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


AutoId = BigInteger().with_variant(Integer(), "sqlite")
"""An auto-incrementing 64-bit key (SQLite only auto-increments INTEGER)."""
JsonDocument = JSON().with_variant(JSONB(), "postgresql")
"""A JSON column: JSONB on PostgreSQL, JSON text on SQLite."""


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers run beside the single writer; the timeout lets gunicorn workers queue.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(database_url: str, *, echo: bool = False) -> Engine:
    """Create the engine for a URL; SQLite gets its directory created and sane pragmas.

    Bound parameters (phone numbers, e-mail addresses, codes) never appear in error messages
    or logs: ``hide_parameters``.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, echo=echo, hide_parameters=True, pool_size=10, max_overflow=10)
    # Instead of a pre-ping round trip per checkout: a restart costs no request all the same.
    event.listen(engine.pool, "checkout", _replace_if_hung_up)
    start_transactions_at_first_write(engine)
    return engine


_HUNG_UP = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def _replace_if_hung_up(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server closed (a restart, a crash, an idle timeout) is replaced
    before any request uses it; every older pooled connection is then replaced as it is
    checked out, since one closed by a restart means all of them were.

    An idle connection has nothing to read until it sends a query: anything readable (the
    server's termination notice, or the end of the stream) means the server hung up. This
    costs one system call, where a pre-ping costs a round trip to the database.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise InvalidatePoolError("the pooled connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), _HUNG_UP)
    if poller.poll(0):
        raise InvalidatePoolError("the server closed the pooled connection")


PUBLIC_URL_INFO = "public_url"
"""The key of ``Session.info`` that holds the public base URL customer links start with."""


def build_session_factory(engine: Engine, public_url: str | None = None) -> sessionmaker[Session]:
    """Sessions keep loaded attributes after commit so views can serialise what they saved;
    ``public_url`` (``STAMPGATE_PUBLIC_URL``) is what customer links in their answers start with."""
    info = {PUBLIC_URL_INFO: public_url} if public_url else None
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


def commit_unit_of_work(
    session: Session, work: Callable[[], T], patience_seconds: float = 3.0
) -> T:
    """Run ``work`` and commit; a lost race rolls back and runs it again.

    Races show as IntegrityError (a unique key taken) or StaleDataError (a versioned row
    changed underneath). Retries are bounded by time, not by count: with N writers on one
    row the last of them may lose N - 1 rounds, and a count would fail it under load.

    ``work`` must read what it decides on, so a rerun sees the winner of the race.
    """
    give_up_at = time.monotonic() + patience_seconds
    attempt = 0
    while True:
        attempt += 1
        try:
            result = work()
            session.commit()
        except (IntegrityError, StaleDataError):
            session.rollback()
            if time.monotonic() >= give_up_at:
                raise
            # Exponential, capped and jittered: the losers of one race do not collide again
            # in lockstep, and none sleeps long after the row is free.
            ceiling = min(0.05, 0.002 * 2 ** min(attempt, 5))
            time.sleep(random.uniform(0, ceiling))  # noqa: S311 - not a secret
            continue
        return result


def commit_unit(session: Session) -> None:
    """Commit one finished unit of work: a service call's changes and the events announcing them.

    The one place besides ``commit_unit_of_work`` that ends a transaction; a failed commit is
    rolled back, so the session can go on.
    """
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
