"""On PostgreSQL a unit of work's transaction opens at its first write: plain reads before it
leave no transaction open on the server, and from the first write (or locking read, or
savepoint) on, everything is one transaction as before."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, String, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from gateway.db import build_engine
from tests.support.services import fresh_postgres_database, libpq_dsn


class NoteBase(DeclarativeBase):
    """A metadata of its own: the table is no part of the gateway's schema."""


class Note(NoteBase):
    """One row to read, write and lock."""

    __tablename__ = "first_write_notes"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        engine = build_engine(url)
        NoteBase.metadata.create_all(engine)
        engine.dispose()
        yield url


@pytest.fixture
def engine(database: str) -> Iterator[Engine]:
    built = build_engine(database)
    with built.begin() as connection:
        connection.execute(text("DELETE FROM first_write_notes"))
        connection.execute(insert(Note), [{"id": "kept"}])
    yield built
    built.dispose()


@pytest.fixture
def observer(database: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A second connection of its own, to see from the outside what the server holds."""
    with psycopg.connect(libpq_dsn(database), autocommit=True) as connection:
        yield connection


def _backend_state(observer: psycopg.Connection[tuple[object, ...]], session: Session) -> str:
    pid = session.connection().connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
    row = observer.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return str(row[0])


def _ids(observer: psycopg.Connection[tuple[object, ...]]) -> set[str]:
    return {str(row[0]) for row in observer.execute("SELECT id FROM first_write_notes")}


def test_plain_reads_leave_no_transaction_open(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    with Session(engine) as session:
        assert session.scalars(select(Note.id)).all() == ["kept"]
        assert session.get(Note, "kept") is not None
        assert _backend_state(observer, session) == "idle"


def test_a_write_opens_the_transaction_and_everything_after_is_atomic(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    with Session(engine) as session:
        session.scalars(select(Note.id)).all()
        session.add(Note(id="first"))
        session.flush()
        assert _backend_state(observer, session) == "idle in transaction"
        assert session.scalars(select(Note.id).order_by(Note.id)).all() == ["first", "kept"]
        assert _ids(observer) == {"kept"}  # nothing committed yet
        session.add(Note(id="kept"))  # a duplicate key fails the transaction
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
    assert _ids(observer) == {"kept"}


def test_a_locking_read_holds_its_lock_until_the_commit(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    locking = "SELECT id FROM first_write_notes WHERE id = 'kept' FOR UPDATE NOWAIT"
    with Session(engine) as session:
        assert session.scalars(select(Note).with_for_update()).one().id == "kept"
        with observer.transaction(), pytest.raises(psycopg.errors.LockNotAvailable):
            observer.execute(locking)
        session.commit()
    with observer.transaction():
        assert observer.execute(locking).fetchone() == ("kept",)


def test_a_savepoint_after_reads_runs_inside_the_transaction(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    with Session(engine) as session:
        session.scalars(select(Note.id)).all()
        with session.begin_nested() as nested:
            session.add(Note(id="undone"))
            session.flush()
            nested.rollback()
        session.add(Note(id="saved"))
        session.commit()
    assert _ids(observer) == {"kept", "saved"}


def test_raw_sql_runs_in_the_transaction(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    with Session(engine) as session:
        session.execute(text("INSERT INTO first_write_notes (id) VALUES ('raw')"))
        assert _backend_state(observer, session) == "idle in transaction"
        session.rollback()
    assert _ids(observer) == {"kept"}


def test_a_connection_the_caller_put_in_autocommit_stays_so(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    with Session(engine) as session:
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        session.execute(insert(Note), [{"id": "at-once"}])
        assert _ids(observer) == {"kept", "at-once"}  # committed by the statement itself
        session.commit()


def test_every_checkout_starts_outside_a_transaction_again(
    engine: Engine, observer: psycopg.Connection[tuple[object, ...]]
) -> None:
    for round_ in range(3):
        with Session(engine) as session:
            session.add(Note(id=f"round-{round_}"))
            session.commit()
        with Session(engine) as session:
            session.scalars(select(Note.id)).all()
            assert _backend_state(observer, session) == "idle"
    assert _ids(observer) == {"kept", "round-0", "round-1", "round-2"}
