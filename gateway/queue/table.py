"""A table as a work queue: claim due rows in batches under a lease, work them, release the rest.

A queue table has ``id``, ``status``, ``next_attempt_at`` and ``locked_until`` columns. A row
is due when it waits, its time has come and no worker holds its lease. Claiming is a
``FOR UPDATE SKIP LOCKED`` select and an UPDATE of the rows it locked, in one transaction, so
concurrent workers take different rows
instead of queueing on the same ones (PostgreSQL; SQLite has a single writer anyway and
leaves the clause out). The table is the queue and the source of truth: a worker that dies
costs its rows only the rest of their lease. On PostgreSQL every queue table keeps half of
each page free (migration 0028), so the lease's UPDATE is heap-only and touches no index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, or_, select, true, update
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from gateway.db import commit_unit, utcnow

RowT = TypeVar("RowT", bound=DeclarativeBase)


@dataclass(frozen=True, eq=False)
class QueueTable(Generic[RowT]):
    """A table whose waiting rows are work, taken ``batch`` at a time, oldest due first."""

    model: type[RowT]
    batch: int
    order_by: tuple[str, ...] = ("next_attempt_at",)
    waiting: tuple[str, ...] = ("pending",)

    def column(self, name: str) -> ColumnElement[Any]:
        """One of the table's columns, for conditions on its rows."""
        column: ColumnElement[Any] = self.model.__table__.c[name]
        return column

    def is_due(self, now: datetime) -> ColumnElement[bool]:
        """The condition of a row that may be worked on now."""
        locked_until = self.column("locked_until")
        return (
            self.column("status").in_(self.waiting)
            & (self.column("next_attempt_at") <= now)
            & or_(locked_until.is_(None), locked_until < now)
        )

    def claim(
        self,
        session: Session,
        lease: timedelta,
        limit: int | None = None,
        where: ColumnElement[bool] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[RowT]:
        """Lease up to ``limit`` (a batch) due rows to this worker; returns them oldest first.

        ``where`` narrows the rows to one lane of the queue, ``ids`` to the rows named.
        """
        now = utcnow()
        row_id = self.column("id")
        due = select(row_id).where(self.is_due(now))
        if where is not None:
            due = due.where(where)
        if ids is not None:
            due = due.where(row_id.in_(ids))
        due = due.order_by(*(self.column(name) for name in self.order_by))
        due = due.limit(limit or self.batch).with_for_update(skip_locked=True)
        # Chosen (and locked) first, updated after: as a subquery of the UPDATE, PostgreSQL
        # may plan a nested-loop semi join that rescans the LIMIT ... SKIP LOCKED select for
        # every row and so takes more rows than the limit.
        chosen = list(session.scalars(due))
        if not chosen:
            return []
        # PostgreSQL locked the chosen rows, so they are still due; asking again there made
        # the planner walk every waiting row instead of fetching the chosen ones by key. SQLite
        # may have read them outside the write transaction: there the UPDATE checks again.
        locked = session.get_bind().dialect.name == "postgresql"
        taken = (
            update(self.model)
            .where(row_id.in_(chosen), true() if locked else self.is_due(now))
            .values(locked_until=now + lease)
            .returning(self.model)
            .execution_options(synchronize_session=False)
        )
        # RETURNING keeps no order: put the rows back in the order they were chosen in.
        return sorted(session.scalars(taken), key=self._position)

    def release(self, session: Session, rows: Sequence[RowT]) -> None:
        """Give up the lease of rows not worked on, so that other workers may take them now."""
        if rows:
            ids = [self._id(row) for row in rows]
            session.execute(
                update(self.model)
                .where(self.column("id").in_(ids))
                .values(locked_until=None)
                .execution_options(synchronize_session=False)
            )

    def has_due(self, session: Session, where: ColumnElement[bool] | None = None) -> bool:
        """True when at least one row (of the lane ``where``) is due."""
        due = select(self.column("id")).where(self.is_due(utcnow()))
        if where is not None:
            due = due.where(where)
        return session.scalar(due.limit(1)) is not None

    def _position(self, row: RowT) -> tuple[Any, ...]:
        return tuple(getattr(row, name) for name in self.order_by)

    def _id(self, row: RowT) -> str:
        row_id: str = getattr(row, "id")  # noqa: B009 - any queue table, not one model
        return row_id


WorkRow = Callable[[RowT], object]
"""Works one claimed row; outcomes it records on the batch session commit with the batch."""
StartBatch = Callable[[Session, Sequence[RowT]], WorkRow[RowT]]
"""Reads what a claimed batch needs, in the claim's transaction; returns the row worker."""


def work_batch(
    sessions: sessionmaker[Session],
    table: QueueTable[RowT],
    lease: timedelta,
    start: StartBatch[RowT],
    *,
    limit: int | None = None,
    where: ColumnElement[bool] | None = None,
    ids: Sequence[str] | None = None,
    longest_row: timedelta | None = None,
) -> int:
    """Claim due rows and work each once; returns how many were claimed.

    With ``longest_row``, rows that could no longer be finished within the lease are
    released unworked, for another worker to take at once.
    """
    with sessions() as session:
        rows = table.claim(session, lease, limit, where, ids)
        if not rows:
            commit_unit(session)
            return 0
        work_row = start(session, rows)
        commit_unit(session)  # no transaction stays open while rows are worked on
        deadline = None if longest_row is None else utcnow() + lease - longest_row
        for index, row in enumerate(rows):
            if deadline is not None and utcnow() > deadline:
                table.release(session, rows[index:])
                break
            work_row(row)
        commit_unit(session)
        return len(rows)


def drain(
    work_one_batch: Callable[[], int], batch: int, on_full_batch: Callable[[], object] | None = None
) -> int:
    """Work batches until one comes back short (nothing more is due); returns rows claimed."""
    total = 0
    while True:
        claimed = work_one_batch()
        total += claimed
        if claimed < batch:
            return total
        if on_full_batch is not None:  # a backlog: let another worker join in
            on_full_batch()
