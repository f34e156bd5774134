"""Running the retention rules: batch after batch, each its own short transaction.

A batch picks at most ``batch`` qualifying rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL:
rows a worker or a request holds are left for the next run, nobody waits on the purge),
deletes their children and then them, and commits. Locks live for one batch, never a run.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Delete, Engine, Select, delete, func, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_session_factory, commit_unit, utcnow
from gateway.retention.lock import exclusive
from gateway.retention.rules import RULES, TABLES, Cutoffs, Rule


@dataclass
class PurgeReport:
    """Rows deleted (or, in a dry run, that would be) per table; ``finished`` is False when
    the time budget ran out before every rule was done."""

    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)
    finished: bool = True

    @property
    def total(self) -> int:
        """Rows over all tables."""
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """The summary, one table a line, then the total."""
        verb = "would delete" if self.dry_run else "deleted"
        width = max(len(name) for name in TABLES)
        rows = [f"{name:<{width}}  {self.counts[name]}" for name in TABLES]
        ending = "" if self.finished else " (time budget spent; the next run goes on)"
        return [*rows, f"{verb} {self.total} rows{ending}"]


def run_purge(
    engine: Engine,
    settings: Settings,
    *,
    dry_run: bool = False,
    budget_seconds: float | None = None,
) -> PurgeReport | None:
    """Purge what is past its retention; None when another purge holds the lock.

    A dry run only reads, so it needs no lock and runs beside a purge.
    """
    sessions = build_session_factory(engine)
    if dry_run:
        return _count_all(sessions, Cutoffs.of(settings, utcnow()))
    with exclusive(engine, settings.database_url) as mine:
        if not mine:
            return None
        deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
        cutoffs = Cutoffs.of(settings, utcnow())
        return _delete_all(sessions, cutoffs, settings.purge_batch, deadline)


def _count_all(sessions: sessionmaker[Session], cutoffs: Cutoffs) -> PurgeReport:
    report = PurgeReport(dry_run=True)
    with sessions() as session:
        for rule in RULES:
            for table, statement in count_statements(rule, cutoffs):
                report.counts[table] += session.scalar(statement) or 0
        session.rollback()
    return report


def count_statements(rule: Rule, cutoffs: Cutoffs) -> list[tuple[str, Select[Any]]]:
    """What a dry run counts for the rule: its rows (as a run would find them, once earlier
    rules have gone), then their children, each with the table it counts for."""
    condition = (rule.predicted or rule.condition)(cutoffs)
    statements = [(rule.label, _counting(rule.model, condition))]
    for child in rule.children:
        # Counted per parent (one index probe each), as the run deletes them, rather than
        # joined: a join would read the whole child table to count a few of its rows.
        per_parent = select(func.count()).where(child.parent == rule.key[0]).scalar_subquery()
        total = select(func.coalesce(func.sum(per_parent), 0)).select_from(rule.model)
        statements.append((child.model.__tablename__, total.where(condition)))
    return statements


def _counting(model: type[Any], condition: ColumnElement[bool]) -> Select[Any]:
    return select(func.count()).select_from(model).where(condition)


def _delete_all(
    sessions: sessionmaker[Session], cutoffs: Cutoffs, batch: int, deadline: float | None
) -> PurgeReport:
    report = PurgeReport(dry_run=False)
    for rule in RULES:
        while True:
            if deadline is not None and time.monotonic() > deadline:
                report.finished = False
                return report
            if _delete_batch(sessions, rule, cutoffs, batch, report.counts) < batch:
                break
    return report


def _delete_batch(
    sessions: sessionmaker[Session],
    rule: Rule,
    cutoffs: Cutoffs,
    batch: int,
    counts: Counter[str],
) -> int:
    """Delete one batch of the rule's rows (children first); returns how many were picked."""
    with sessions() as session:
        keys = [tuple(row) for row in session.execute(pick_statement(rule, cutoffs, batch))]
        if keys:
            for table, statement in delete_statements(rule, cutoffs, keys):
                counts[table] += _deleted(session, statement)
        commit_unit(session)
        return len(keys)


def pick_statement(rule: Rule, cutoffs: Cutoffs, batch: int) -> Select[Any]:
    """The keys of one batch of the rule's rows, locked, skipping rows others hold."""
    picked = select(*rule.key).where(rule.condition(cutoffs)).limit(batch)
    return picked.with_for_update(skip_locked=True)


def delete_statements(
    rule: Rule, cutoffs: Cutoffs, keys: list[tuple[Any, ...]]
) -> list[tuple[str, Delete]]:
    """The deletes of a picked batch, children first, each with the table it counts for."""
    # The condition again: a row that changed after it was picked (SQLite takes no row
    # locks) stays, and so do its children.
    still = _key_in(rule, keys) & rule.condition(cutoffs)
    statements = [
        (
            child.model.__tablename__,
            delete(child.model).where(child.parent.in_(select(rule.key[0]).where(still))),
        )
        for child in rule.children
    ]
    return [*statements, (rule.label, delete(rule.model).where(still))]


def _key_in(rule: Rule, keys: list[tuple[Any, ...]]) -> ColumnElement[bool]:
    if len(rule.key) == 1:
        column: ColumnElement[Any] = rule.key[0]
        return column.in_([key[0] for key in keys])
    return tuple_(*rule.key).in_(keys)


def _deleted(session: Session, statement: Delete) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
