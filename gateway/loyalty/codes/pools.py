"""Code pools: codes the merchant imports from its POS, handed out one per voucher."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.loyalty.codes.models import CodePool, PoolCode
from gateway.loyalty.programs.rewards import PoolCode as PoolCodeSpec
from gateway.loyalty.programs.rewards import VoucherReward
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page

# Concurrent issues can pick the same free code on SQLite (no SKIP LOCKED); the loser looks
# again rather than failing the sale.
TAKE_ATTEMPTS = 16


@dataclass(frozen=True)
class PoolCounts:
    """How many codes of a pool are still free, how many vouchers took one, and how many
    free ones the POS reported activated or deleted (never handed out)."""

    available: int
    taken: int
    retired: int = 0


def create_pool(session: Session, merchant_id: str, name: str) -> CodePool:
    """A new, empty pool."""
    pool = CodePool(id=new_id("cpl"), merchant_id=merchant_id, name=name)
    session.add(pool)
    commit_unit(session)
    return pool


def get_pool(session: Session, merchant_id: str, pool_id: str) -> CodePool:
    """One of the merchant's pools, or 404."""
    return owned_by(session, CodePool, pool_id, merchant_id, "code pool")


def find_pool(session: Session, pool_id: str) -> CodePool | None:
    """A pool by id, whoever owns it (for operators' commands, not for the API)."""
    return session.get(CodePool, pool_id)


def list_pools(session: Session, merchant_id: str, query: PageQuery) -> Page[CodePool]:
    """The merchant's pools, newest first."""
    statement = select(CodePool).where(CodePool.merchant_id == merchant_id)
    return fetch_page(session, statement, CodePool.id, CodePool.created_at, query)


def counts_of(session: Session, pool_ids: Iterable[str]) -> dict[str, PoolCounts]:
    """Free and taken codes of each pool, in one query."""
    ids = list(pool_ids)
    if not ids:
        return {}
    taken = func.sum(case((PoolCode.voucher_id.is_not(None), 1), else_=0))
    retired = func.sum(
        case((PoolCode.voucher_id.is_(None) & PoolCode.pos_state.is_not(None), 1), else_=0)
    )
    rows = session.execute(
        select(PoolCode.pool_id, func.count(), taken, retired)
        .where(PoolCode.pool_id.in_(ids))
        .group_by(PoolCode.pool_id)
    ).all()
    found = {
        pool_id: PoolCounts(total - (used or 0) - (gone or 0), used or 0, gone or 0)
        for pool_id, total, used, gone in rows
    }
    return {pool_id: found.get(pool_id, PoolCounts(0, 0)) for pool_id in ids}


def require_own_pools(session: Session, merchant_id: str, rewards: Iterable[VoucherReward]) -> None:
    """Refuse rewards that draw from a pool the merchant does not have (422)."""
    wanted = {reward.code.pool_id for reward in rewards if isinstance(reward.code, PoolCodeSpec)}
    if not wanted:
        return
    found = set(
        session.scalars(
            select(CodePool.id).where(CodePool.merchant_id == merchant_id, CodePool.id.in_(wanted))
        )
    )
    missing = sorted(wanted - found)
    if missing:
        raise DomainError(
            "unknown_code_pool", f"No code pool {', '.join(missing)}; create it first."
        )


def take_code(session: Session, pool_id: str, voucher_id: str) -> str | None:
    """Give the oldest free code of the pool to the voucher; None when the pool is empty.

    On PostgreSQL concurrent takers skip each other's locked rows; everywhere the UPDATE is
    conditional on the code still being free, so no code is ever given twice.
    """
    for _attempt in range(TAKE_ATTEMPTS):
        free = session.execute(
            select(PoolCode.id, PoolCode.code)
            .where(
                PoolCode.pool_id == pool_id,
                PoolCode.voucher_id.is_(None),
                PoolCode.pos_state.is_(None),
            )
            .order_by(PoolCode.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if free is None:
            return None
        claimed = session.execute(
            update(PoolCode)
            .where(
                PoolCode.id == free.id,
                PoolCode.voucher_id.is_(None),
                PoolCode.pos_state.is_(None),
            )
            .values(voucher_id=voucher_id, taken_at=utcnow())
        )
        if getattr(claimed, "rowcount", 0) == 1:
            return str(free.code)
    return None
