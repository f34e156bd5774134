"""Passes follow their card and voucher: every recorded event that alters a handed-out pass
moves its update tag in the event's own transaction and queues one push per device that
keeps it (sent after the commit)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.ids import new_id
from gateway.queue.wake import note_due
from gateway.wallet.apple.directory import has_apple_wallet
from gateway.wallet.apple.models import ApplePass, ApplePush, AppleRegistration
from gateway.wallet.apple.passes import update_tag
from webhooks.models import Event

PUSHES_DUE = "apple_pushes_due"
_QUEUED = "apple_serials_queued"  # serials this transaction queued pushes for already
# Events that change what a card's pass shows (stamps, the next reward, its message).
CARD_CHANGES = frozenset(
    {
        "card.stamped",
        "card.stamps_reversed",
        "card.goal_reached",
        "card.milestone_reached",
        "reward.awarded",
        "campaign.message",
    }
)
# Events that change a voucher's pass (its code, validity, voided).
VOUCHER_CHANGES = frozenset(
    {
        "voucher.issued",
        "voucher.activated",
        "voucher.redeemed",
        "voucher.expired",
        "voucher.voided",
        "voucher.redemption_rolled_back",
        "voucher.code_assigned",
    }
)


def _serials(event: Event) -> list[str]:
    if event.type in CARD_CHANGES and event.card_id is not None:
        return [event.card_id]
    voucher_id = event.data.get("voucher_id")
    if event.type in VOUCHER_CHANGES and isinstance(voucher_id, str):
        return [voucher_id]
    return []


def _message(event: Event) -> str | None:
    if event.type == "campaign.message" and event.data.get("channel") == "wallet":
        text = event.data.get("push_text")
        return str(text) if text else None
    return None


def follow_event(session: Session, event: Event) -> None:
    """The event listener: bump the passes the event alters and queue their pushes.

    A merchant without Apple Wallet credentials costs a set lookup and nothing more.
    """
    serials = _serials(event)
    if not serials or not has_apple_wallet(session, event.merchant_id):
        return
    message = _message(event)
    now = utcnow()
    values: dict[str, object] = {"update_tag": update_tag(now), "updated_at": now}
    if message is not None:
        values["message"] = message
    bumped = session.execute(
        update(ApplePass)
        .where(ApplePass.serial.in_(serials))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not getattr(bumped, "rowcount", 0):
        return  # never handed out: no phone keeps it, nothing to push
    fresh = _not_yet_queued(session, serials)
    if fresh:
        queue_pushes(session, event.merchant_id, fresh)


def _not_yet_queued(session: Session, serials: list[str]) -> list[str]:
    # One push per device per transaction, however many of its events alter the pass (a
    # stamp that reaches a milestone records two). Keyed by the transaction object itself.
    transaction = session.get_transaction()
    held = session.info.get(_QUEUED)
    if held is None or held[0] is not transaction:
        held = (transaction, set())
        session.info[_QUEUED] = held
    queued: set[str] = held[1]
    fresh = [serial for serial in serials if serial not in queued]
    queued.update(fresh)
    return fresh


def queue_pushes(session: Session, merchant_id: str, serials: list[str]) -> int:
    """One push per device that keeps one of the passes; how many were queued."""
    devices = session.execute(
        select(AppleRegistration.serial, AppleRegistration.push_token).where(
            AppleRegistration.serial.in_(serials)
        )
    ).all()
    pushes = [
        ApplePush(
            id=new_id("apu"),
            merchant_id=merchant_id,
            serial=device.serial,
            push_token=device.push_token,
        )
        for device in devices
    ]
    session.add_all(pushes)
    note_due(session, PUSHES_DUE, [push.id for push in pushes])
    return len(pushes)
