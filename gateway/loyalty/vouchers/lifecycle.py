"""Moving vouchers through their lifecycle with conditional UPDATEs.

Every move goes through ``move``: the transition table decides the target status, and the
UPDATE only applies while the row still has the status it was read with. Of any number of
concurrent moves of one voucher exactly one wins; the others see the winner's status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gateway.customer_links import voucher_url
from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.loyalty.cards.models import Card
from gateway.loyalty.vouchers.holds import NOBODY, RELEASED, Claimant, free_for, is_held_against
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import (
    REFUSAL_DETAILS,
    InvalidTransition,
    VoucherAction,
    VoucherStatus,
    transition,
)
from gateway.timestamps import iso_utc_or_none
from webhooks.outbox import record_event

_EVENTS = {
    VoucherAction.ACTIVATE: "voucher.activated",
    VoucherAction.REDEEM: "voucher.redeemed",
    VoucherAction.EXPIRE: "voucher.expired",
    VoucherAction.VOID: "voucher.voided",
    VoucherAction.ROLLBACK_REDEMPTION: "voucher.redemption_rolled_back",
}


def refused(exc: InvalidTransition) -> DomainError:
    """The refusal of a move the voucher's status does not allow."""
    return DomainError(exc.reason_code, REFUSAL_DETAILS[exc.reason_code])


_CARD_NUMBERS = "card_numbers"


def remember_card_number(session: Session, card_id: str, number: str) -> None:
    """Keep a card's number read along with its voucher, for :func:`card_number_of`."""
    session.info.setdefault(_CARD_NUMBERS, {})[card_id] = number


def card_number_of(session: Session, voucher: Voucher) -> str | None:
    """The number of the voucher's card, if it has one."""
    if voucher.card_id is None:
        return None
    # A card's number never changes: one lookup per session serves the event and the answer.
    known: dict[str, str] = session.info.setdefault(_CARD_NUMBERS, {})
    if voucher.card_id not in known:
        number = session.scalar(select(Card.number).where(Card.id == voucher.card_id))
        if number is None:
            return None
        known[voucher.card_id] = number
    return known[voucher.card_id]


def summary(session: Session, voucher: Voucher, **extra: Any) -> dict[str, Any]:
    """The small event payload of a voucher."""
    return {
        "voucher_id": voucher.id,
        "status": voucher.status,
        "card_number": card_number_of(session, voucher),
        "program_id": voucher.program_id,
        "description": voucher.description,
        "code": voucher.code,
        "valid_until": iso_utc_or_none(voucher.valid_until),
        "source": {"kind": voucher.source_kind, "sale_id": voucher.source_sale_id},
        "customer_url": voucher_url(session, voucher.customer_token),
        **extra,
    }


def move(
    session: Session,
    voucher: Voucher,
    action: VoucherAction,
    values: dict[str, Any] | None = None,
    event_data: dict[str, Any] | None = None,
    claimant: Claimant = NOBODY,
) -> None:
    """Apply ``action`` if the voucher's status allows it and nobody moved it meanwhile.

    A redemption also needs the voucher unheld (or held by ``claimant``) and still valid.
    Raises DomainError with the contract code (``already_redeemed``, ``expired``, ``held``...)
    otherwise.
    """
    try:
        target = transition(VoucherStatus(voucher.status), action)
    except InvalidTransition as exc:
        raise refused(exc) from exc
    now = utcnow()
    statement = update(Voucher).where(Voucher.id == voucher.id, Voucher.status == voucher.status)
    changes = {"status": target, **(values or {})}
    if action is VoucherAction.REDEEM:
        statement = statement.where(
            free_for(claimant, now), or_(Voucher.valid_until.is_(None), Voucher.valid_until > now)
        )
        changes.update(RELEASED)
    # The voucher in hand is the only copy to bring up to date, with values known here: no
    # RETURNING and no identity map search, as the fetch synchronisation would do.
    claimed = session.execute(
        statement.values(**changes).execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) == 1:
        for key, value in changes.items():
            set_committed_value(voucher, key, value)
    else:  # another request moved or held it first
        session.refresh(voucher)
        try:
            transition(VoucherStatus(voucher.status), action)
        except InvalidTransition as exc:
            raise refused(exc) from exc
        if action is VoucherAction.REDEEM:
            _refuse_unredeemable(voucher, claimant, now)
        raise DomainError("conflict", "The voucher changed meanwhile; retry.")
    event = _EVENTS.get(action)
    if event is not None:
        data = summary(session, voucher, **(event_data or {}))
        record_event(session, voucher.merchant_id, event, data, card_id=voucher.card_id)


def _refuse_unredeemable(voucher: Voucher, claimant: Claimant, now: datetime) -> None:
    if is_held_against(voucher, claimant, now):
        raise DomainError("held", "Another till holds the voucher until its hold ends.")
    if is_due_to_expire(voucher, now):
        raise DomainError("expired", "The voucher's validity has ended.")


def is_due_to_expire(voucher: Voucher, now: datetime) -> bool:
    """An active voucher whose validity has ended."""
    return (
        voucher.status == VoucherStatus.ACTIVE
        and voucher.valid_until is not None
        and voucher.valid_until <= now
    )


def expire_if_due(session: Session, voucher: Voucher) -> bool:
    """Expire the voucher when its validity has ended (lazily, on read and redemption)."""
    now = utcnow()
    if not is_due_to_expire(voucher, now):
        return False
    try:
        move(session, voucher, VoucherAction.EXPIRE, {"expired_at": now})
    except DomainError:  # a concurrent request moved it first; it is no longer active
        return False
    return True
