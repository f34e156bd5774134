"""The table-queue on a table of its own: due rows are claimed oldest first under a lease,
never twice while it lasts, released when a batch runs out of time; drains stop when a
batch comes back short."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, Engine, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from gateway.db import UTCDateTime, build_engine, build_session_factory, utcnow
from gateway.queue.table import QueueTable, StartBatch, WorkRow, drain, work_batch
from tests.support.services import fresh_postgres_database

LEASE = timedelta(minutes=1)


class JobBase(DeclarativeBase):
    """A metadata of its own: the job table is no part of the gateway's schema."""

    type_annotation_map = {datetime: UTCDateTime()}


class Job(JobBase):
    """A row of work, as every queue table has them."""

    __tablename__ = "queue_test_jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    lane: Mapped[str] = mapped_column(String(16), default="first")


JOBS = QueueTable(Job, batch=3, order_by=("next_attempt_at", "id"))


def job_tables(engine: Engine) -> Iterator[sessionmaker[Session]]:
    JobBase.metadata.create_all(engine)
    try:
        yield build_session_factory(engine)
    finally:
        JobBase.metadata.drop_all(engine)
        engine.dispose()


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions of the test database (each backend), with the job table created."""
    yield from job_tables(build_engine(database_url))


@pytest.fixture
def pg_sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions of a PostgreSQL database of their own, where SKIP LOCKED takes effect."""
    with fresh_postgres_database() as url:
        yield from job_tables(build_engine(url))


def add_jobs(sessions: sessionmaker[Session], *jobs: Job) -> None:
    with sessions() as session:
        session.add_all(jobs)
        session.commit()


def due_in(seconds: float, job_id: str, **fields: object) -> Job:
    return Job(id=job_id, next_attempt_at=utcnow() + timedelta(seconds=seconds), **fields)


def claimed_ids(
    sessions: sessionmaker[Session],
    limit: int | None = None,
    where: ColumnElement[bool] | None = None,
    ids: Sequence[str] | None = None,
) -> list[str]:
    with sessions() as session:
        rows = JOBS.claim(session, LEASE, limit, where, ids)
        session.commit()
        return [row.id for row in rows]


def recording(worked: list[str]) -> StartBatch[Job]:
    """A batch start whose row worker notes the ids it was given."""

    def start(_session: Session, _rows: Sequence[Job]) -> WorkRow[Job]:
        return lambda row: worked.append(row.id)

    return start


def test_due_rows_are_claimed_oldest_first_a_batch_at_a_time(
    sessions: sessionmaker[Session],
) -> None:
    add_jobs(sessions, *(due_in(-n, f"job-{n}") for n in range(5)), due_in(-4, "job-4b"))
    assert claimed_ids(sessions) == ["job-4", "job-4b", "job-3"]
    assert claimed_ids(sessions) == ["job-2", "job-1", "job-0"]
    assert claimed_ids(sessions) == []  # every row is leased


def test_rows_not_due_are_left_alone_until_their_time_or_lease_ends(
    sessions: sessionmaker[Session],
) -> None:
    add_jobs(
        sessions,
        due_in(60, "later"),
        due_in(-1, "done", status="succeeded"),
        due_in(-1, "leased", locked_until=utcnow() + LEASE),
        due_in(-1, "lease-over", locked_until=utcnow() - timedelta(seconds=1)),
    )
    assert claimed_ids(sessions) == ["lease-over"]
    with sessions() as session:
        assert not JOBS.has_due(session)


def test_a_lane_and_named_ids_narrow_the_claim(sessions: sessionmaker[Session]) -> None:
    add_jobs(sessions, due_in(-3, "a"), due_in(-2, "b", lane="retry"), due_in(-1, "c"))
    with sessions() as session:
        assert JOBS.has_due(session, Job.lane == "retry")
    assert claimed_ids(sessions, where=Job.lane == "retry") == ["b"]
    assert claimed_ids(sessions, ids=["c"]) == ["c"]
    assert claimed_ids(sessions, limit=5) == ["a"]


def test_a_batch_out_of_time_releases_the_rows_it_did_not_reach(
    sessions: sessionmaker[Session],
) -> None:
    add_jobs(sessions, due_in(-2, "a"), due_in(-1, "b"))
    worked: list[str] = []
    # No row fits in what is left of the lease: none is worked, both go back at once.
    claimed = work_batch(sessions, JOBS, LEASE, recording(worked), longest_row=LEASE * 2)
    assert (claimed, worked) == (2, [])
    with sessions() as session:
        assert session.scalars(select(Job.locked_until)).all() == [None, None]
    assert work_batch(sessions, JOBS, LEASE, recording(worked)) == 2
    assert worked == ["a", "b"]


def test_outcomes_recorded_on_the_batch_session_commit_with_the_batch(
    sessions: sessionmaker[Session],
) -> None:
    add_jobs(sessions, due_in(-1, "a"))

    def finish(row: Job) -> None:
        row.status, row.locked_until = "succeeded", None

    assert work_batch(sessions, JOBS, LEASE, lambda _session, _rows: finish) == 1
    with sessions() as session:
        assert session.scalars(select(Job.status)).all() == ["succeeded"]


def test_a_drain_runs_batches_until_one_comes_back_short() -> None:
    batches = iter([3, 3, 1, 3])
    backlog: list[str] = []
    assert drain(lambda: next(batches), 3, on_full_batch=lambda: backlog.append("wake")) == 7
    assert backlog == ["wake", "wake"]


def test_concurrent_claims_skip_each_others_rows(pg_sessions: sessionmaker[Session]) -> None:
    add_jobs(pg_sessions, *(due_in(-n, f"job-{n}") for n in range(4)))
    with pg_sessions() as first, pg_sessions() as second:
        taken = [row.id for row in JOBS.claim(first, LEASE, limit=2)]  # not committed yet
        others = [row.id for row in JOBS.claim(second, LEASE)]
        first.commit()
        second.commit()
    assert taken == ["job-3", "job-2"]
    assert others == ["job-1", "job-0"]
