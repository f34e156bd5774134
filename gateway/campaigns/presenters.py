"""Campaigns in the shape the API answers with, each with its progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.campaigns.results import results_of
from gateway.loyalty.cards.models import Card
from gateway.timestamps import iso_utc, iso_utc_or_none

STATUSES = ("pending", "sent", "failed", "skipped", "cancelled")


def progress_of(session: Session, campaign_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Each campaign's messages by status, with their total."""
    counts: dict[str, dict[str, int]] = {
        campaign_id: dict.fromkeys(("total", *STATUSES), 0) for campaign_id in campaign_ids
    }
    if campaign_ids:
        rows = session.execute(
            select(CampaignMessage.campaign_id, CampaignMessage.status, func.count())
            .where(CampaignMessage.campaign_id.in_(campaign_ids))
            .group_by(CampaignMessage.campaign_id, CampaignMessage.status)
        )
        for campaign_id, status, count in rows:
            counts[campaign_id][status] = int(count)
            counts[campaign_id]["total"] += int(count)
    return counts


def campaign_out(
    campaign: Campaign, progress: dict[str, int], results: dict[str, Any]
) -> dict[str, Any]:
    """A campaign in the contract's shape."""
    return {
        "id": campaign.id,
        "program_id": campaign.program_id,
        "name": campaign.name,
        "status": campaign.status,
        "segment": campaign.segment,
        "channels": campaign.channels,
        "push_text": campaign.push_text,
        "message_text": campaign.message_text,
        "voucher": campaign.voucher,
        "send_at": iso_utc_or_none(campaign.send_at),
        "created_at": iso_utc(campaign.created_at),
        "planned_at": iso_utc_or_none(campaign.planned_at),
        "finished_at": iso_utc_or_none(campaign.finished_at),
        "cancelled_at": iso_utc_or_none(campaign.cancelled_at),
        "progress": progress,
        "results": results,
    }


def campaign_views(session: Session, campaigns: Sequence[Campaign]) -> list[dict[str, Any]]:
    """Campaigns with their progress and results, read together."""
    ids = [campaign.id for campaign in campaigns]
    progress, results = progress_of(session, ids), results_of(session, Campaign.id, ids)
    return [
        campaign_out(campaign, progress[campaign.id], results[campaign.id])
        for campaign in campaigns
    ]


def message_views(session: Session, messages: Sequence[CampaignMessage]) -> list[dict[str, Any]]:
    """Messages with their cards' numbers, read in one query."""
    card_ids = {message.card_id for message in messages}
    found = session.execute(select(Card.id, Card.number).where(Card.id.in_(card_ids)))
    numbers = dict(found.tuples().all())
    return [
        {
            "id": message.id,
            "card_number": numbers[message.card_id],
            "channel": message.channel,
            "status": message.status,
            "reason": message.reason,
            "attempts": message.attempts,
            "created_at": iso_utc(message.created_at),
            "sent_at": iso_utc_or_none(message.sent_at),
        }
        for message in messages
    ]
