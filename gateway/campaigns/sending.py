"""Sending planned messages: claim due rows per channel within the channel's throttle, send
each one (its ``campaign.message`` event commits with its move to ``sent``: exactly once),
retry what failed on the schedule, and close campaigns with nothing left to send."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from gateway.campaigns.emailing import LONGEST_MAIL, MAIL_LEASE, email_outcome
from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.campaigns.planning import plan_due
from gateway.campaigns.queues import LONGEST_SEND, SEND_LEASE, SENDS
from gateway.campaigns.smtp import MailDeferred
from gateway.config import Settings
from gateway.customer_links import card_url
from gateway.db import commit_unit, utcnow
from gateway.loyalty.cards.models import Card
from gateway.queue.table import WorkRow, work_batch
from webhooks.outbox import record_event

log = logging.getLogger(__name__)
CHANNELS = ("wallet", "messenger", "email")
LEASES = (SEND_LEASE, LONGEST_SEND)
THROTTLE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Sender:
    """What a campaign worker works with: settings (throttles, retries) and sessions."""

    settings: Settings
    sessions: sessionmaker[Session]

    def per_minute(self, channel: str) -> int:
        """The channel's throttle: messages it may send per minute."""
        limit: int = getattr(self.settings, f"campaign_{channel}_per_minute")
        return limit


def drain_campaigns(sender: Sender) -> int:
    """Plan due campaigns and send due messages until nothing more may go now."""
    total = 0
    while True:
        claimed = plan_due(sender.sessions) + send_due(sender)
        total += claimed
        if claimed == 0:
            break
    finish_sent(sender.sessions)  # also after a crash between the last send and this
    return total


def send_due(sender: Sender) -> int:
    """Send one batch of each channel, no more than its throttle leaves; rows claimed."""
    claimed = 0
    for channel in CHANNELS:
        allowance = _allowance(sender, channel)
        if allowance <= 0:
            continue  # the rows stay due: a later round sends them

        def start(_session: Session, _rows: Sequence[CampaignMessage]) -> WorkRow[CampaignMessage]:
            return lambda message: send_message(sender, message.id)

        lane = SENDS.column("channel") == channel
        limit = min(SENDS.batch, allowance)
        lease, longest = (MAIL_LEASE, LONGEST_MAIL) if channel == "email" else LEASES
        claimed += work_batch(
            sender.sessions, SENDS, lease, start, limit=limit, where=lane, longest_row=longest
        )
    return claimed


def _allowance(sender: Sender, channel: str) -> int:
    since = utcnow() - THROTTLE_WINDOW
    with sender.sessions() as session:
        sent = session.scalar(
            select(func.count()).where(
                CampaignMessage.channel == channel, CampaignMessage.sent_at > since
            )
        )
        session.rollback()
    return sender.per_minute(channel) - int(sent or 0)


def _outcome(sender: Sender, session: Session, message: CampaignMessage) -> dict[str, Any]:
    """Send the message (within the session's transaction); the values it moves to."""
    campaign = session.get(Campaign, message.campaign_id)
    card = session.get(Card, message.card_id)
    assert campaign is not None
    assert card is not None
    if message.channel == "email":
        return email_outcome(sender.settings, session, message, campaign, card)
    data = {
        "campaign_id": campaign.id,
        "message_id": message.id,
        "card_number": card.number,
        "channel": message.channel,
        "push_text": campaign.push_text,
        "message_text": campaign.message_text,
        "customer_url": card_url(session, card.customer_token),
        "voucher_id": message.voucher_id,
    }
    event = record_event(session, card.merchant_id, "campaign.message", data, card_id=card.id)
    return {"status": "sent", "sent_at": utcnow(), "event_id": event.id}


def _move(session: Session, message_id: str, values: dict[str, Any]) -> bool:
    moved = session.execute(
        update(CampaignMessage)
        .where(CampaignMessage.id == message_id, CampaignMessage.status == "pending")
        .values(locked_until=None, attempts=CampaignMessage.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(moved, "rowcount", 0) == 1)


def send_message(sender: Sender, message_id: str) -> None:
    """Send one leased message; a cancelled or already sent one is left as it is."""
    with sender.sessions() as session:
        message = session.get(CampaignMessage, message_id)
        if message is None or message.status != "pending":
            session.rollback()
            return
        attempts = message.attempts
        try:
            if _move(session, message_id, _outcome(sender, session, message)):
                commit_unit(session)
            else:  # cancelled or sent meanwhile: its event goes with the rollback
                session.rollback()
            return
        except MailDeferred as deferred:  # a 4xx or no connection: on the retry schedule
            session.rollback()
            reason = str(deferred)
            # The code only: a server's words may name the customer's address.
            codes = {"message_id": message_id, "smtp_code": deferred.code}
            log.warning("campaign e-mail deferred", extra=codes)
        except Exception as exc:  # a bug or the database: retried, then failed
            session.rollback()
            log.exception("campaign message failed", extra={"message_id": message_id})
            reason = f"internal error: {type(exc).__name__}"
        _retry_later(sender, session, message_id, attempts, reason)


def _retry_later(
    sender: Sender, session: Session, message_id: str, attempts: int, reason: str
) -> None:
    schedule = sender.settings.campaign_retry_schedule
    if attempts >= len(schedule):
        values: dict[str, Any] = {"status": "failed", "reason": reason}
    else:
        delay = timedelta(seconds=schedule[attempts])
        values = {"reason": reason, "next_attempt_at": utcnow() + delay}
    _move(session, message_id, values)
    commit_unit(session)


def finish_sent(sessions: sessionmaker[Session]) -> int:
    """Mark ``sent`` every sending campaign with no message left pending; how many.

    Read first and written only when there is something to finish: idle rounds of the
    embedded thread take no write lock (SQLite has one for the whole database).
    """
    pending = exists().where(
        CampaignMessage.campaign_id == Campaign.id, CampaignMessage.status == "pending"
    )
    done = select(Campaign.id).where(Campaign.status == "sending", ~pending)
    with sessions() as session:
        ids = list(session.scalars(done))
        if not ids:
            session.rollback()
            return 0
        finished = session.execute(
            update(Campaign)
            .where(Campaign.id.in_(ids), Campaign.status == "sending", ~pending)
            .values(status="sent", finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        commit_unit(session)
    return int(getattr(finished, "rowcount", 0) or 0)
