"""Sending queued pushes: claim due rows, open each merchant's APNs client once per batch,
push, and record every outcome on its row (410 also removes the device's registrations)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import commit_unit, utcnow
from gateway.queue.table import QueueTable, WorkRow, drain, work_batch
from gateway.queue.wake import Notify, notify_after_commit
from gateway.wallet.apple import apns
from gateway.wallet.apple.models import ApplePush
from gateway.wallet.apple.registrations import forget_push_token
from gateway.wallet.apple.service import KEY_UNREADABLE, find_credentials, open_identity
from gateway.wallet.apple.updates import PUSHES_DUE

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
PUSHES = QueueTable(ApplePush, batch=50, order_by=("next_attempt_at", "id"))
PUSH_LEASE = timedelta(seconds=60)
LONGEST_PUSH = timedelta(seconds=apns.TIMEOUT_SECONDS)


@dataclass(frozen=True)
class Pusher:
    """What a push worker works with: settings (APNs address, retries) and sessions."""

    settings: Settings
    sessions: sessionmaker[Session]


@dataclass(frozen=True)
class _Sender:
    pass_type_id: str
    client: httpx.Client | None  # None: the key cannot be opened


def drain_pushes(pusher: Pusher) -> int:
    """Send every due push, batch after batch; rows claimed."""
    return drain(lambda: push_batch(pusher), PUSHES.batch)


def push_batch(pusher: Pusher) -> int:
    """Claim one batch of due pushes and send them."""
    clients: list[httpx.Client] = []

    def start(session: Session, rows: Sequence[ApplePush]) -> WorkRow[ApplePush]:
        senders = {
            merchant_id: _sender(session, pusher.settings, merchant_id)
            for merchant_id in {row.merchant_id for row in rows}
        }
        clients.extend(sender.client for sender in senders.values() if sender.client)
        return lambda row: _send(pusher, session, senders[row.merchant_id], row)

    try:
        return work_batch(pusher.sessions, PUSHES, PUSH_LEASE, start, longest_row=LONGEST_PUSH)
    finally:
        for client in clients:
            client.close()


def _sender(session: Session, settings: Settings, merchant_id: str) -> _Sender:
    credentials = find_credentials(session, merchant_id)
    if credentials is None:
        return _Sender("", None)
    identity = open_identity(credentials, settings)
    client = apns.apns_client(settings, identity) if identity is not None else None
    return _Sender(credentials.pass_type_id, client)


def _send(pusher: Pusher, session: Session, sender: _Sender, row: ApplePush) -> None:
    if sender.client is None:
        reason = KEY_UNREADABLE if sender.pass_type_id else "no Apple Wallet credentials"
        _record(session, row, {"status": "failed", "reason": reason})
        return
    outcome = apns.push(sender.client, sender.pass_type_id, row.push_token)
    if outcome.status == 200:
        _record(session, row, {"status": "sent", "sent_at": utcnow(), "reason": None})
    elif outcome.status == apns.GONE:
        forget_push_token(session, row.push_token)
        _record(session, row, {"status": "gone", "reason": outcome.reason})
    elif outcome.retryable:
        _record(session, row, _retry(pusher.settings, row, outcome.reason))
    else:  # refused for good (a bad certificate, a bad token): recorded with APNs' reason
        log.warning("apns refused a push", extra={"push_id": row.id, "reason": outcome.reason})
        _record(session, row, {"status": "failed", "reason": outcome.reason})


def _retry(settings: Settings, row: ApplePush, reason: str | None) -> dict[str, Any]:
    schedule = settings.apns_retry_schedule
    if row.attempts >= len(schedule):
        return {"status": "failed", "reason": reason}
    delay = timedelta(seconds=schedule[row.attempts])
    return {"reason": reason, "next_attempt_at": utcnow() + delay}


def _record(session: Session, row: ApplePush, values: dict[str, Any]) -> None:
    session.execute(
        update(ApplePush)
        .where(ApplePush.id == row.id)
        .values(locked_until=None, attempts=ApplePush.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
    commit_unit(session)


def pushes_after_commit(factory: sessionmaker[Session], notify: Notify) -> None:
    """After every commit of the factory's sessions, pass newly queued push ids to ``notify``."""
    notify_after_commit(factory, PUSHES_DUE, notify)
