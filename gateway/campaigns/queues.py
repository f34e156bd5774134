"""The campaigns' two table-queues: scheduled campaigns waiting to be planned, and message rows
waiting to be sent; and the wake-up of their workers after a commit that made rows due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.queue.table import QueueTable
from gateway.queue.wake import Notify, notify_after_commit

# A campaign is due at its send time; planning writes all its messages in one transaction.
PLANS = QueueTable(Campaign, batch=5, order_by=("next_attempt_at", "id"), waiting=("scheduled",))
SENDS = QueueTable(CampaignMessage, batch=50, order_by=("next_attempt_at", "id"))
# Planning a large campaign takes a while; a message takes a moment, so a worker that died
# holds its messages only half a minute (rows it could not finish in time it gives back).
PLAN_LEASE = timedelta(minutes=5)
SEND_LEASE = timedelta(seconds=30)
LONGEST_SEND = timedelta(seconds=5)
CAMPAIGNS_DUE = "campaigns_due"


def campaigns_after_commit(factory: sessionmaker[Session], notify: Notify) -> None:
    """After every commit of the factory's sessions, pass newly due campaign and message ids
    to ``notify``."""
    notify_after_commit(factory, CAMPAIGNS_DUE, notify)
