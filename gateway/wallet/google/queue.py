"""The Google Wallet job queue: every recorded event of a merchant with Google credentials
that alters a pass becomes a job row in the event's transaction (one per card or voucher and
transaction, however many events it records); after commit the workers are woken."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.ids import new_id
from gateway.loyalty.cards.models import Card
from gateway.loyalty.vouchers.models import Voucher
from gateway.queue.table import QueueTable
from gateway.queue.wake import Notify, note_due, notify_after_commit
from gateway.wallet.google.enabled import has_google_wallet
from gateway.wallet.google.models import GoogleJob
from webhooks.models import Event

JOBS = QueueTable(GoogleJob, batch=50, order_by=("next_attempt_at", "id"))
# A job is a few calls of a few hundred milliseconds; a worker that died holds its jobs only
# this long (rows it could not finish in time it gives back).
LEASE = timedelta(seconds=60)
LONGEST_JOB = timedelta(seconds=30)
GOOGLE_DUE = "google_wallet_due"
_QUEUED = "google_wallet_queued"
CARD_EVENTS = frozenset(
    {
        "card.created",
        "card.stamped",
        "card.stamps_reversed",
        "card.goal_reached",
        "card.milestone_reached",
        "sale.claimed",
    }
)
VOUCHER_EVENTS = frozenset(
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
MESSAGE_EVENT = "campaign.message"
LIVE_VOUCHERS = ("issued", "active")


def on_event(session: Session, event: Event) -> None:
    """Queue what the event changes at Google (nothing for merchants without Google Wallet:
    one set lookup and, once a while per merchant, one indexed lookup)."""
    kind = _kind_of(event)
    if kind is None or not has_google_wallet(session, event.merchant_id):
        return
    if kind == "message":
        _add(session, event.merchant_id, "message", card_id=event.card_id, message=event.data)
        return
    voucher_id = event.data.get("voucher_id") if kind == "voucher" else None
    subject = (kind, voucher_id or event.card_id)
    queued = _queued_in_transaction(session)
    if subject not in queued:  # the transaction's later events change the same object
        queued.add(subject)
        _add(session, event.merchant_id, kind, card_id=event.card_id, voucher_id=voucher_id)


def _queued_in_transaction(session: Session) -> set[tuple[str, str | None]]:
    # Kept with the transaction it belongs to: sessions of factories that never commit
    # through ``google_after_commit`` must not carry it into their next transaction.
    transaction = session.get_transaction()
    held = session.info.get(_QUEUED)
    if held is None or held[0] is not transaction:
        held = (transaction, set())
        session.info[_QUEUED] = held
    queued: set[tuple[str, str | None]] = held[1]
    return queued


def _kind_of(event: Event) -> str | None:
    if event.type in CARD_EVENTS and event.card_id is not None:
        return "card"
    if event.type in VOUCHER_EVENTS and event.data.get("voucher_id"):
        return "voucher"
    if event.type == MESSAGE_EVENT and event.data.get("channel") == "wallet" and event.card_id:
        return "message"
    return None


def _add(session: Session, merchant_id: str, kind: str, **subject: Any) -> None:
    job = GoogleJob(id=new_id("gwj"), merchant_id=merchant_id, kind=kind, **subject)
    session.add(job)
    note_due(session, GOOGLE_DUE, [job.id])


def queue_everything(session: Session, merchant_id: str) -> int:
    """Queue a job for every card and live voucher of the merchant (credentials for a new
    issuer: none of their objects exist there); how many."""
    cards = session.scalars(select(Card.id).where(Card.merchant_id == merchant_id))
    live = (Voucher.merchant_id == merchant_id) & Voucher.status.in_(LIVE_VOUCHERS)
    vouchers = session.scalars(select(Voucher.id).where(live))
    rows = [{"card_id": card_id, "kind": "card"} for card_id in cards]
    rows += [{"voucher_id": voucher_id, "kind": "voucher"} for voucher_id in vouchers]
    for row in rows:
        row.update(id=new_id("gwj"), merchant_id=merchant_id)
    if rows:
        session.execute(insert(GoogleJob), rows)
        note_due(session, GOOGLE_DUE, [rows[0]["id"]])
    return len(rows)


def google_after_any_commit(notify: Notify) -> None:
    """After every commit of any session of this process, pass newly queued job ids to
    ``notify``: a worker process records events through the sessions of every duty (POS
    sales, campaign messages), not only through its own."""
    sa_event.listen(Session, "after_commit", functools.partial(_after_commit, notify=notify))
    sa_event.listen(Session, "after_soft_rollback", _forget_due)


def _after_commit(session: Session, notify: Notify) -> None:
    ids = session.info.pop(GOOGLE_DUE, None)
    if ids:
        notify(ids)


def _forget_due(session: Session, _previous: object) -> None:
    session.info.pop(GOOGLE_DUE, None)


def google_after_commit(factory: sessionmaker[Session], notify: Notify) -> None:
    """After every commit of the factory's sessions, pass newly queued job ids to ``notify``."""
    notify_after_commit(factory, GOOGLE_DUE, notify, forget=(_QUEUED,))
