"""Planning a due campaign: one message row per recipient and channel, and the attached
voucher of each recipient, written in one transaction with the campaign's move to ``sending``.

Exactly once: only a ``scheduled`` campaign is planned, its move is conditional, and
(campaign, card, channel) is unique, so a second planner (a rerun, a worker whose lease ran
out) writes nothing: it finds the campaign moved, or its commit loses on the unique key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.campaigns.queues import CAMPAIGNS_DUE, PLAN_LEASE, PLANS
from gateway.campaigns.schemas import Segment
from gateway.campaigns.segments import segment_cards
from gateway.db import commit_unit, utcnow
from gateway.ids import new_id
from gateway.loyalty.cards.consent import why_not_mailable
from gateway.loyalty.cards.models import Card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.rewards import REWARD, STORED, VoucherReward
from gateway.loyalty.vouchers.service import issue_for_campaign
from gateway.queue.table import WorkRow, work_batch
from gateway.queue.wake import note_due
from gateway.tenancy.service import get_merchant

SEGMENT: TypeAdapter[Segment] = TypeAdapter(Segment)


def plan_due(sessions: sessionmaker[Session], limit: int | None = None) -> int:
    """Plan one batch of campaigns whose send time has come; returns how many were claimed."""

    def start(_session: Session, _campaigns: Sequence[Campaign]) -> WorkRow[Campaign]:
        return lambda campaign: plan_campaign(sessions, campaign.id)

    return work_batch(sessions, PLANS, PLAN_LEASE, start, limit=limit)


def plan_campaign(sessions: sessionmaker[Session], campaign_id: str) -> int:
    """Write a scheduled campaign's messages; how many were written (0: planned already)."""
    with sessions() as session:
        try:
            written = write_plan(session, campaign_id)
            commit_unit(session)
        except IntegrityError:  # another planner wrote them first
            return 0
        return written


def _message(
    campaign: Campaign, card: Card, channel: str, voucher_id: str | None
) -> CampaignMessage:
    status, reason = "pending", None
    if channel == "email" and (skipped := why_not_mailable(card)) is not None:
        status, reason = "skipped", skipped
    return CampaignMessage(
        id=new_id("cmm"),
        merchant_id=campaign.merchant_id,
        campaign_id=campaign.id,
        card_id=card.id,
        channel=channel,
        status=status,
        reason=reason,
        voucher_id=voucher_id,
        attempts=0,
        next_attempt_at=utcnow(),
    )


def _voucher_reward(campaign: Campaign) -> VoucherReward | None:
    if campaign.voucher is None:
        return None
    reward = REWARD.validate_python(campaign.voucher, context=STORED)
    assert isinstance(reward, VoucherReward), "a campaign keeps only voucher rewards"
    return reward


def write_plan(session: Session, campaign_id: str) -> int:
    """Add a scheduled campaign's messages and vouchers to the session (the caller commits);
    how many messages, 0 when the campaign is not (or no longer) scheduled."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "scheduled":
        return 0
    program = session.get(Program, campaign.program_id)
    assert program is not None
    timezone = get_merchant(session, campaign.merchant_id).timezone
    now = utcnow()
    segment = SEGMENT.validate_python(campaign.segment)
    cards = session.scalars(segment_cards(program, segment, now, timezone))
    messages = write_messages(session, campaign, cards, timezone)
    due = [message.id for message in messages if message.status == "pending"]
    if not _move(session, campaign, now, finished=not due):
        session.rollback()  # cancelled meanwhile
        return 0
    note_due(session, CAMPAIGNS_DUE, due)
    return len(messages)


def write_messages(
    session: Session, campaign: Campaign, cards: Iterable[Card], timezone: str
) -> list[CampaignMessage]:
    """Add the campaign's messages to ``cards`` on each of its channels, and the voucher each
    card gets, to the session (the caller commits and notes the pending ones due)."""
    reward = _voucher_reward(campaign)
    messages: list[CampaignMessage] = []
    for card in cards:
        voucher_id = None
        if reward is not None:
            voucher_id = issue_for_campaign(session, card, reward, campaign.id, timezone).id
        messages.extend(
            _message(campaign, card, channel, voucher_id) for channel in campaign.channels
        )
    session.add_all(messages)
    return messages


def _move(session: Session, campaign: Campaign, now: datetime, finished: bool) -> bool:
    values = {"status": "sent" if finished else "sending", "planned_at": now, "locked_until": None}
    if finished:
        values["finished_at"] = now
    moved = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.status == "scheduled")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(moved, "rowcount", 0) == 1)
