"""Pools filled from a POS source (a Syrve coupon series): the binding, and applying what a
sync read from the POS. Asking the POS is the POS side's work (``connectors/connections``);
this module only stores what it found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.audit.recorder import note
from gateway.db import commit_unit_of_work, utcnow
from gateway.loyalty.codes.models import CodePool, PoolCode
from gateway.loyalty.codes.text import code_key
from gateway.loyalty.codes.uploads import UploadRow, refill_waiting, store_new_codes

POS_STATES = ("activated", "deleted")
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class SyncReport:
    """What one sync did to its pool."""

    pool: CodePool
    added: int
    retired: int
    assigned: int


def bind_source(pool: CodePool, connection_id: str | None, series_id: str | None) -> None:
    """Name (or, with None, forget) the connection and series the pool's codes come from; the
    caller commits. A new source starts unsynced."""
    pool.source_connection_id, pool.source_series_id = connection_id, series_id
    pool.synced_at, pool.sync_error = None, None


def bound_pool_ids(session: Session) -> list[str]:
    """Every pool with a source, oldest first (what the periodic sync walks)."""
    return list(
        session.scalars(
            select(CodePool.id)
            .where(CodePool.source_connection_id.is_not(None))
            .order_by(CodePool.created_at, CodePool.id)
        )
    )


def free_codes(session: Session, pool_id: str) -> list[str]:
    """The pool's codes nobody took and the POS has not retired: the ones to re-check."""
    return list(
        session.scalars(
            select(PoolCode.code)
            .where(
                PoolCode.pool_id == pool_id,
                PoolCode.voucher_id.is_(None),
                PoolCode.pos_state.is_(None),
            )
            .order_by(PoolCode.id)
        )
    )


def apply_sync(
    session: Session, pool_id: str, unused: Sequence[str], states: Mapping[str, str]
) -> SyncReport:
    """Store a sync's findings in one transaction: the POS's unused codes join the pool (codes
    the merchant already has elsewhere are skipped), codes it reports ``activated`` or
    ``deleted`` are never handed out, and vouchers waiting for a code get one."""

    def apply() -> SyncReport:
        pool = session.get(CodePool, pool_id, with_for_update=True)
        assert pool is not None  # the caller read it
        rows = [UploadRow(line, code) for line, code in enumerate(unused, start=1)]
        added, _skipped = store_new_codes(session, pool, rows)
        retired = _retire(session, pool.id, states)
        assigned = refill_waiting(session, pool)
        pool.synced_at, pool.sync_error = utcnow(), None
        report = SyncReport(pool, added, retired, assigned)
        _note_sync(session, report)
        return report

    return commit_unit_of_work(session, apply)


def record_sync_error(session: Session, pool_id: str, error: str) -> None:
    """Keep why the last sync failed (the POS was down, refused the login...); the codes the
    pool holds stay as they were."""

    def record() -> None:
        pool = session.get(CodePool, pool_id)
        if pool is not None:
            pool.sync_error = error[:MAX_ERROR_LENGTH] or "sync failed"

    commit_unit_of_work(session, record)


def _retire(session: Session, pool_id: str, states: Mapping[str, str]) -> int:
    retired = 0
    for state in POS_STATES:
        keys = [code_key(code) for code, found in states.items() if found == state]
        if not keys:
            continue
        done = session.execute(
            update(PoolCode)
            .where(
                PoolCode.pool_id == pool_id,
                PoolCode.code_key.in_(keys),
                PoolCode.voucher_id.is_(None),
                PoolCode.pos_state.is_(None),
            )
            .values(pos_state=state)
        )
        retired += int(getattr(done, "rowcount", 0) or 0)
    return retired


def _note_sync(session: Session, report: SyncReport) -> None:
    # Counts only, as for an upload: the codes themselves stay out of the audit log.
    note(
        session,
        merchant_id=report.pool.merchant_id,
        object_type="code_pool",
        object_id=report.pool.id,
        action="code_pool.synced",
        details={
            "added": report.added,
            "retired": report.retired,
            "vouchers_assigned": report.assigned,
        },
    )
