"""Turning code desk, redemption and code pool results into the API's JSON shapes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.loyalty.cards.models import Card
from gateway.loyalty.codes.desk import Hold
from gateway.loyalty.codes.lookup import CodeMatch
from gateway.loyalty.codes.models import CodePool
from gateway.loyalty.codes.pools import PoolCounts, counts_of
from gateway.loyalty.codes.uploads import ImportReport, RowProblem
from gateway.loyalty.vouchers.models import Voucher, VoucherRedemption
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.timestamps import iso_utc_or_none


def check_out(session: Session, match: CodeMatch) -> dict[str, Any]:
    """A code check's verdict, with the voucher it names (if it may be shown)."""
    voucher = voucher_view(session, match.voucher) if match.voucher is not None else None
    return {"valid": match.valid, "reason": match.reason, "voucher": voucher}


def hold_out(session: Session, hold: Hold) -> dict[str, Any]:
    """A placed hold."""
    return {
        "hold_id": hold.hold_id,
        "expires_at": iso_utc_or_none(hold.expires_at),
        "pos_transaction_id": hold.voucher.held_by,
        "voucher": voucher_view(session, hold.voucher),
    }


def redemption_out(session: Session, redemption: VoucherRedemption) -> dict[str, Any]:
    """A redemption and its voucher as it is now."""
    voucher = session.get(Voucher, redemption.voucher_id)
    assert voucher is not None  # a foreign key guarantees it
    card = session.get(Card, redemption.card_id) if redemption.card_id else None
    return {
        "id": redemption.id,
        "status": "redeemed" if redemption.rolled_back_at is None else "rolled_back",
        "voucher_id": redemption.voucher_id,
        "card_number": card.number if card else None,
        "code": redemption.code,
        "channel": redemption.channel,
        "location": redemption.location,
        "staff": redemption.staff,
        "pos_transaction_id": redemption.pos_transaction_id,
        "connection_id": redemption.connection_id,
        "sale_id": redemption.sale_id,
        "hold_id": redemption.hold_id,
        "redeemed_at": iso_utc_or_none(redemption.redeemed_at),
        "rolled_back_at": iso_utc_or_none(redemption.rolled_back_at),
        "rollback_reason": redemption.rollback_reason,
        "voucher": voucher_view(session, voucher),
    }


def pool_out(pool: CodePool, counts: PoolCounts) -> dict[str, Any]:
    """A code pool with its free and taken codes."""
    return {
        "id": pool.id,
        "name": pool.name,
        "available": counts.available,
        "taken": counts.taken,
        "retired": counts.retired,
        "source": source_out(pool),
        "created_at": iso_utc_or_none(pool.created_at),
    }


def source_out(pool: CodePool) -> dict[str, Any] | None:
    """The pool's POS source and its last sync, or None for a pool filled by uploads."""
    if pool.source_connection_id is None:
        return None
    return {
        "connection_id": pool.source_connection_id,
        "series_id": pool.source_series_id,
        "synced_at": iso_utc_or_none(pool.synced_at),
        "sync_error": pool.sync_error,
    }


def pools_out(session: Session, pools: list[CodePool]) -> list[dict[str, Any]]:
    """Pools with their counts, counted in one query."""
    counts = counts_of(session, [pool.id for pool in pools])
    return [pool_out(pool, counts[pool.id]) for pool in pools]


def _problems(problems: list[RowProblem]) -> list[dict[str, Any]]:
    return [{"line": p.line, "code": p.code, "reason": p.reason} for p in problems]


def import_out(session: Session, report: ImportReport) -> dict[str, Any]:
    """What an upload did to its pool."""
    return {
        "pool": pools_out(session, [report.pool])[0],
        "added": report.added,
        "assigned": report.assigned,
        "skipped": _problems(report.skipped),
        "rejected": _problems(report.rejected),
    }
