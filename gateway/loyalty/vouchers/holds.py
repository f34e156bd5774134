"""Holds on vouchers: a POS that checks a code at order open keeps it until the order closes.

A hold is live while ``held_until`` is ahead; one past its time is simply ignored (nothing
sweeps it). Placing a hold is a conditional UPDATE like every voucher move, so of concurrent
holds and redemptions of one voucher exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.orm import Session

from gateway.ids import new_id
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import VoucherStatus

RELEASED: dict[str, Any] = {"hold_id": None, "held_until": None, "held_by": None}


@dataclass(frozen=True)
class Claimant:
    """Who asks to redeem: a hold id, or the POS transaction that placed a hold."""

    hold_id: str | None = None
    pos_transaction_id: str | None = None


NOBODY = Claimant()


def is_live(voucher: Voucher, now: datetime) -> bool:
    """The voucher has a hold that has not expired."""
    return (
        voucher.hold_id is not None and voucher.held_until is not None and voucher.held_until > now
    )


def owns_hold(voucher: Voucher, claimant: Claimant) -> bool:
    """The claimant is the one who placed the voucher's hold."""
    if claimant.hold_id is not None and claimant.hold_id == voucher.hold_id:
        return True
    return claimant.pos_transaction_id is not None and claimant.pos_transaction_id == (
        voucher.held_by
    )


def is_held_against(voucher: Voucher, claimant: Claimant, now: datetime) -> bool:
    """Someone else holds the voucher, so the claimant may not redeem or hold it."""
    return is_live(voucher, now) and not owns_hold(voucher, claimant)


def free_for(claimant: Claimant, now: datetime) -> ColumnElement[bool]:
    """SQL: the voucher is not held against the claimant (the guard of a redeem UPDATE)."""
    allowed: list[ColumnElement[bool]] = [
        Voucher.hold_id.is_(None),
        Voucher.held_until.is_(None),
        Voucher.held_until <= now,
    ]
    if claimant.hold_id is not None:
        allowed.append(Voucher.hold_id == claimant.hold_id)
    if claimant.pos_transaction_id is not None:
        allowed.append(Voucher.held_by == claimant.pos_transaction_id)
    return or_(*allowed)


def place_hold(
    session: Session, voucher: Voucher, claimant: Claimant, ttl: timedelta, now: datetime
) -> bool:
    """Hold an active voucher for ``ttl``; False when it changed or someone else holds it.

    The claimant's own live hold is renewed under its id instead of stacking a second one.
    """
    hold_id = voucher.hold_id if is_live(voucher, now) else None
    statement = (
        update(Voucher)
        .where(
            Voucher.id == voucher.id,
            Voucher.status == VoucherStatus.ACTIVE,
            or_(Voucher.valid_until.is_(None), Voucher.valid_until > now),
            free_for(claimant, now),
        )
        .values(
            hold_id=hold_id or new_id("hld"),
            held_until=now + ttl,
            held_by=claimant.pos_transaction_id,
        )
        .execution_options(synchronize_session="fetch")
    )
    return getattr(session.execute(statement), "rowcount", 0) == 1


def release(session: Session, voucher: Voucher, hold_id: str) -> bool:
    """Drop the hold ``hold_id`` from the voucher; False when it no longer carries it."""
    statement = (
        update(Voucher)
        .where(and_(Voucher.id == voucher.id, Voucher.hold_id == hold_id))
        .values(**RELEASED)
        .execution_options(synchronize_session="fetch")
    )
    return getattr(session.execute(statement), "rowcount", 0) == 1
