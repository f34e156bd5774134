"""Codes shown at the till that redeemed nothing, kept for the analytics' rejected code
attempts (beside the promo codes rejected on sales, which their sale's event records).

A refused redeem or hold counts whatever the code's refusal, except ``customer_required``: a
question back to the till, which asks again with the customer's card. A check changes no
voucher and counts only when it finds the code used (``already_redeemed``) or another
customer's (``other_customer``): the screenshot shown at the till, which the cashier refuses
without trying to redeem it. An unknown code on a check is a typo until it is one of a run,
which the lockout of guessing watches (``attempts.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from gateway.db import commit_unit
from gateway.errors import DomainError
from gateway.loyalty.codes.lookup import HELD, OTHER_CUSTOMER, UNKNOWN_CODE
from gateway.loyalty.codes.models import RejectedCodeAttempt
from gateway.loyalty.vouchers.states import VoucherAction, refusals

COUNTED_REFUSALS = frozenset(
    {UNKNOWN_CODE, OTHER_CUSTOMER, HELD, "conflict", *refusals(VoucherAction.REDEEM)}
)
REUSE_SIGNS = frozenset({"already_redeemed", OTHER_CUSTOMER})


def note_rejection(
    session: Session,
    merchant_id: str,
    operation: str,
    reason: str,
    location: str | None,
    staff: str | None = None,
) -> None:
    """Keep one rejected attempt and commit it (whatever the refused work left is dropped)."""
    session.rollback()
    session.add(
        RejectedCodeAttempt(
            merchant_id=merchant_id,
            operation=operation,
            reason=reason,
            location=location,
            staff=staff,
        )
    )
    commit_unit(session)


@contextmanager
def counting_refusals(
    session: Session,
    merchant_id: str,
    operation: str,
    location: str | None,
    staff: str | None = None,
) -> Iterator[None]:
    """Keep a refusal of the code raised inside as a rejected attempt, then let it go on."""
    try:
        yield
    except DomainError as exc:
        if exc.code in COUNTED_REFUSALS:
            note_rejection(session, merchant_id, operation, exc.code, location, staff)
        raise
