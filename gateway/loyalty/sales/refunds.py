"""Refunds: take back the stamps a sale earned, in proportion, never more, never below zero.

Taking stamps back can cross into a completed cycle only while that cycle's goal reward can
still be taken back (an active voucher is voided, a pending spin cancelled). A reward already
used (redeemed voucher, handed-over award, played spin) stays with the customer; the stamps
that could not be taken back are recorded as the refund's shortfall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import ApiError
from gateway.ids import new_id
from gateway.loyalty.cards.models import Card, StampEntry
from gateway.loyalty.cards.progress import reverse_stamps
from gateway.loyalty.lottery.models import Spin
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.sales.canonical import PosRefund
from gateway.loyalty.sales.models import Refund, Sale
from gateway.loyalty.sales.service import fingerprint, get_sale
from gateway.loyalty.vouchers.lifecycle import move
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import VoucherAction
from webhooks.outbox import record_event


@dataclass(frozen=True)
class RefundOutcome:
    """The answer to a refund: 201 the first time, 200 for the same refund again."""

    body: dict[str, Any]
    created: bool


def refund_sale(
    session: Session, merchant_id: str, sale_id: str, refund: PosRefund
) -> RefundOutcome:
    """Reverse (part of) a sale's stamps once per ``refund_id``."""
    body = refund.model_dump(mode="json")
    digest = fingerprint(body)

    def apply() -> RefundOutcome:
        sale = get_sale(session, merchant_id, sale_id)
        existing = session.scalars(
            select(Refund).where(Refund.sale_id == sale.id, Refund.refund_id == refund.refund_id)
        ).first()
        if existing is not None:
            if existing.fingerprint != digest:
                raise ApiError(409, "refund_conflict", "This refund_id was sent with another body.")
            return RefundOutcome(body=existing.result, created=False)
        return RefundOutcome(body=_apply_refund(session, sale, refund, digest), created=True)

    return commit_unit_of_work(session, apply)


def _share_refunded(sale: Sale, refund: PosRefund, earlier: list[Refund]) -> tuple[int, int]:
    """(refunded so far including this one, whole) in amount, or in quantity for a free sale."""
    if refund.lines is None or any(previous.lines is None for previous in earlier):
        return 1, 1
    measure = "amount" if sale.total > 0 else "quantity"
    whole = (
        sale.total if measure == "amount" else sum(line["quantity"] for line in sale.body["lines"])
    )
    refunded = sum(line[measure] for previous in earlier for line in previous.lines or [])
    refunded += sum(getattr(line, measure) for line in refund.lines)
    return min(refunded, whole), max(whole, 1)


def _apply_refund(session: Session, sale: Sale, refund: PosRefund, digest: str) -> dict[str, Any]:
    earlier = list(session.scalars(select(Refund).where(Refund.sale_id == sale.id)))
    refunded, whole = _share_refunded(sale, refund, earlier)
    # Cumulative, floored: partial refunds never reverse more than the sale earned in total.
    due = sale.stamps_added * refunded // whole - sale.stamps_reversed
    removed, shortfall, voided = 0, 0, list[str]()
    if due > 0 and sale.card_id is not None:
        removed, voided = _take_back(session, sale, due)
        shortfall = due - removed
    sale.stamps_reversed += due
    refund_row_id = new_id("ref")
    result = {
        "id": refund_row_id,
        "sale_id": sale.id,
        "refund_id": refund.refund_id,
        "stamps_reversed": removed,
        "shortfall": shortfall,
        "voided_vouchers": voided,
    }
    session.add(
        Refund(
            id=refund_row_id,
            merchant_id=sale.merchant_id,
            sale_id=sale.id,
            refund_id=refund.refund_id,
            fingerprint=digest,
            lines=None if refund.lines is None else [line.model_dump() for line in refund.lines],
            stamps_reversed=removed,
            shortfall=shortfall,
            result=result,
        )
    )
    return result


def _take_back(session: Session, sale: Sale, due: int) -> tuple[int, list[str]]:
    card = session.scalars(select(Card).where(Card.id == sale.card_id).with_for_update()).one()
    program = session.get(Program, card.program_id)
    assert program is not None
    mechanics = mechanics_of(program)
    goal, marks = mechanics.stamps_goal, [milestone.stamps for milestone in mechanics.milestones]
    reachable = card.stamps
    for cycle in range(card.cycle - 1, 0, -1):
        # Only as many completed cycles as the refund needs are looked at, not the card's past.
        if reachable >= due or not _goal_reward_revocable(session, card, cycle):
            break
        reachable += goal
    reversal = reverse_stamps(card.stamps, card.cycle, min(due, reachable), goal, marks)
    voided: list[str] = []
    for cycle in reversal.undone_cycles:
        voided += _revoke(session, card, sale.id, "goal", cycle)
    for undone in reversal.undone_milestones:
        voided += _revoke(session, card, sale.id, "milestone", undone.cycle, undone.stamps)
    card.stamps, card.cycle, card.updated_at = reversal.stamps, reversal.cycle, utcnow()
    session.add(
        StampEntry(
            merchant_id=card.merchant_id,
            card_id=card.id,
            kind="refund",
            delta=-reversal.removed,
            stamps_after=card.stamps,
            cycle_after=card.cycle,
            sale_id=sale.id,
        )
    )
    data = {
        "card_number": card.number,
        "sale_id": sale.id,
        "removed": reversal.removed,
        "shortfall": due - reversal.removed,
        "stamps": card.stamps,
        "cycle": card.cycle,
        "undone_cycles": list(reversal.undone_cycles),
    }
    record_event(session, card.merchant_id, "card.stamps_reversed", data, card_id=card.id)
    return reversal.removed, voided


def _goal_reward_revocable(session: Session, card: Card, cycle: int) -> bool:
    """True when the goal reward of ``cycle`` has not been used (an award always has been)."""
    voucher = session.scalars(
        select(Voucher.status).where(*_granted_by(Voucher, card, "goal", cycle, None))
    ).first()
    if voucher is not None:
        return voucher != "redeemed"
    spin = session.scalars(
        select(Spin.status).where(*_granted_by(Spin, card, "goal", cycle, None))
    ).first()
    return spin is not None and spin != "played"


def _granted_by(
    model: type[Voucher] | type[Spin], card: Card, kind: str, cycle: int, milestone: int | None
) -> tuple[ColumnElement[bool], ...]:
    """Rows of the reward a goal (``milestone`` None) or a milestone of ``cycle`` gave."""
    reached = model.source_milestone
    return (
        model.card_id == card.id,
        model.source_kind == kind,
        model.source_cycle == cycle,
        reached.is_(None) if milestone is None else reached == milestone,
    )


def _revoke(
    session: Session, card: Card, sale_id: str, kind: str, cycle: int, milestone: int | None = None
) -> list[str]:
    """Void the still unused reward of one goal or milestone; returns the voided voucher ids."""
    unused = Voucher.status.in_(("active", "issued"))
    vouchers = session.scalars(
        select(Voucher).where(*_granted_by(Voucher, card, kind, cycle, milestone), unused)
    ).all()
    details = {"reason": "refund", "sale_id": sale_id}
    for voucher in vouchers:
        move(session, voucher, VoucherAction.VOID, {"voided_at": utcnow()}, details)
    pending = Spin.status == "pending"
    session.execute(
        update(Spin)
        .where(*_granted_by(Spin, card, kind, cycle, milestone), pending)
        .values(status="voided")
    )
    return [voucher.id for voucher in vouchers]
