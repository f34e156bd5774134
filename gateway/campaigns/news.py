"""The latest campaign news a card got, for its card page: the long message of the newest
campaign whose message to the card went out (on any channel), else its push text."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.campaigns.models import Campaign, CampaignMessage


def latest_news(session: Session, card_id: str) -> str | None:
    """The text of the card's newest sent campaign message; None when it got none."""
    newest = (
        select(Campaign.message_text, Campaign.push_text)
        .join(CampaignMessage, CampaignMessage.campaign_id == Campaign.id)
        .where(CampaignMessage.card_id == card_id, CampaignMessage.status == "sent")
        .order_by(CampaignMessage.sent_at.desc(), CampaignMessage.id.desc())
        .limit(1)
    )
    found = session.execute(newest).first()
    if found is None:
        return None
    message_text: str | None = found.message_text
    push_text: str | None = found.push_text
    return message_text or push_text
