"""Campaigns: create (checked, scheduled, handed to the planner), preview, read, list, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.campaigns.queues import CAMPAIGNS_DUE
from gateway.campaigns.rules import check_campaign
from gateway.campaigns.schemas import CampaignIn, CampaignQuery, MessageQuery
from gateway.campaigns.segments import count_statement, local_time
from gateway.db import commit_unit, commit_unit_of_work, utcnow
from gateway.errors import DomainError, not_found
from gateway.ids import new_id
from gateway.loyalty.codes.pools import require_own_pools
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import get_program
from gateway.ownership import owned_by
from gateway.pagination import Page, fetch_page
from gateway.queue.wake import note_due
from gateway.tenancy.service import get_merchant

OPEN_STATUSES = ("scheduled", "sending")
NAME_TIME_FORMAT = "%d.%m.%Y%H:%M"


@dataclass(frozen=True)
class Preview:
    """How many cards a segment holds now, and how many of them campaign e-mail may go to."""

    recipients: int
    with_email: int
    channels: tuple[str, ...]

    def per_channel(self) -> dict[str, int]:
        """Recipients of each channel asked for."""
        reach = {"wallet": self.recipients, "messenger": self.recipients, "email": self.with_email}
        return {channel: reach[channel] for channel in self.channels}


def _counted(session: Session, program: Program, body: CampaignIn, now: datetime) -> Preview:
    timezone = get_merchant(session, program.merchant_id).timezone
    statement = count_statement(program, body.segment, now, timezone)
    recipients, with_email = session.execute(statement).one()
    return Preview(int(recipients), int(with_email), tuple(dict.fromkeys(body.channels)))


def _checked(session: Session, merchant_id: str, body: CampaignIn, now: datetime) -> Program:
    program = get_program(session, merchant_id, body.program_id)
    voucher = check_campaign(body, now)
    if voucher is not None:
        require_own_pools(session, merchant_id, [voucher])
    return program


def preview_campaign(session: Session, merchant_id: str, body: CampaignIn) -> Preview:
    """What the campaign would reach if it were sent now (an empty segment answers 0)."""
    now = utcnow()
    preview = _counted(session, _checked(session, merchant_id, body, now), body, now)
    session.rollback()
    return preview


def default_name(program: Program, at: datetime, timezone: str) -> str:
    """``<program name>_<dd.mm.yyyyHH:MM>`` of the send time, in the merchant's time zone."""
    return f"{program.name}_{local_time(at, timezone).strftime(NAME_TIME_FORMAT)}"


def create_campaign(session: Session, merchant_id: str, body: CampaignIn) -> Campaign:
    """Schedule a campaign; the planner writes its messages once its send time comes."""

    def create() -> Campaign:
        now = utcnow()
        program = _checked(session, merchant_id, body, now)
        if _counted(session, program, body, now).recipients == 0:
            detail = "segment: no card of the program is in this segment now."
            error = {
                "loc": ["segment"],
                "msg": "no card is in this segment",
                "type": "empty_segment",
            }
            raise DomainError("empty_segment", detail, errors=[error])
        send_at = body.send_at or now
        timezone = get_merchant(session, merchant_id).timezone
        campaign = Campaign(
            id=new_id("cmp"),
            merchant_id=merchant_id,
            program_id=program.id,
            name=body.name or default_name(program, send_at, timezone),
            status="scheduled",
            segment=body.segment.model_dump(mode="json"),
            channels=list(dict.fromkeys(body.channels)),
            push_text=body.push_text,
            message_text=body.message_text,
            voucher=None if body.voucher is None else body.voucher.model_dump(mode="json"),
            send_at=body.send_at,
            next_attempt_at=send_at,
            created_at=now,
        )
        session.add(campaign)
        note_due(session, CAMPAIGNS_DUE, [campaign.id])
        return campaign

    return commit_unit_of_work(session, create)


def get_campaign(session: Session, merchant_id: str, campaign_id: str) -> Campaign:
    """One of the merchant's campaigns, or 404 (an automation's run is the automation's)."""
    campaign = owned_by(session, Campaign, campaign_id, merchant_id, "campaign")
    if campaign.automation_id is not None:
        raise not_found("campaign")
    return campaign


def list_campaigns(session: Session, merchant_id: str, query: CampaignQuery) -> Page[Campaign]:
    """The merchant's campaigns, newest first, by status."""
    statement = select(Campaign).where(
        Campaign.merchant_id == merchant_id, Campaign.automation_id.is_(None)
    )
    if query.status:
        statement = statement.where(Campaign.status == query.status)
    return fetch_page(session, statement, Campaign.id, Campaign.created_at, query)


def cancel_campaign(session: Session, merchant_id: str, campaign_id: str) -> Campaign:
    """Stop a campaign: what is not yet sent never will be; a finished one is refused (409)."""
    campaign = get_campaign(session, merchant_id, campaign_id)
    now = utcnow()
    # Conditional, like the planner's and the sender's moves: of a race exactly one wins.
    cancelled = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.status.in_(OPEN_STATUSES))
        .values(status="cancelled", cancelled_at=now, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    moved = getattr(cancelled, "rowcount", 0)
    if moved != 1:
        session.rollback()
        raise DomainError("campaign_finished", f"The campaign is {campaign.status} already.")
    session.execute(
        update(CampaignMessage)
        .where(CampaignMessage.campaign_id == campaign.id, CampaignMessage.status == "pending")
        .values(status="cancelled", reason="campaign_cancelled", locked_until=None)
        .execution_options(synchronize_session=False)
    )
    commit_unit(session)
    session.refresh(campaign)
    return campaign


def list_messages(
    session: Session, merchant_id: str, campaign_id: str, query: MessageQuery
) -> Page[CampaignMessage]:
    """A campaign's messages, newest first, narrowed by status and channel."""
    campaign = get_campaign(session, merchant_id, campaign_id)
    statement = select(CampaignMessage).where(CampaignMessage.campaign_id == campaign.id)
    if query.status:
        statement = statement.where(CampaignMessage.status == query.status)
    if query.channel:
        statement = statement.where(CampaignMessage.channel == query.channel)
    return fetch_page(session, statement, CampaignMessage.id, CampaignMessage.created_at, query)
