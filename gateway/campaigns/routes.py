"""Campaign routes: create, preview, list, read, cancel; a campaign's messages."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.campaigns import service
from gateway.campaigns.models import Campaign
from gateway.campaigns.presenters import campaign_views, message_views
from gateway.campaigns.rules import REFUSALS
from gateway.campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPath,
    CampaignQuery,
    MessagePage,
    MessageQuery,
    PreviewOut,
)

campaigns = merchant_blueprint(
    "campaigns",
    __name__,
    Tag(name="Campaigns", description="Broadcasts to segments of a program's cards."),
)
_BODY = ("not_found", *REFUSALS, "unknown_code_pool")


def _out(campaign: Campaign) -> dict[str, Any]:
    return campaign_views(request_session(), [campaign])[0]


@campaigns.post(
    "/campaigns", responses={201: CampaignOut, **problem_responses(*_BODY, "empty_segment")}
)
def create_campaign(body: CampaignIn) -> tuple[dict[str, Any], int]:
    """Schedule a campaign (``send_at`` null sends now): its messages are written once, one per
    recipient and channel, and sent by the workers."""
    campaign = service.create_campaign(request_session(), current_merchant_id(), body)
    return _out(campaign), 201


@campaigns.post("/campaigns/preview", responses={200: PreviewOut, **problem_responses(*_BODY)})
def preview_campaign(body: CampaignIn) -> dict[str, Any]:
    """How many cards the campaign would reach now, per channel; writes nothing."""
    preview = service.preview_campaign(request_session(), current_merchant_id(), body)
    return {"recipients": preview.recipients, "channels": preview.per_channel()}


@campaigns.get("/campaigns", responses={200: CampaignPage, **problem_responses()})
def list_campaigns(query: CampaignQuery) -> dict[str, Any]:
    """Campaigns, newest first, with their progress; filtered by ``status``."""
    page = service.list_campaigns(request_session(), current_merchant_id(), query)
    items = campaign_views(request_session(), page.items)
    return {"items": items, "next_cursor": page.next_cursor}


@campaigns.get(
    "/campaigns/<campaign_id>", responses={200: CampaignOut, **problem_responses("not_found")}
)
def get_campaign(path: CampaignPath) -> dict[str, Any]:
    """Read a campaign and its progress (total, pending, sent, failed, skipped, cancelled)."""
    return _out(service.get_campaign(request_session(), current_merchant_id(), path.campaign_id))


@campaigns.post(
    "/campaigns/<campaign_id>/cancel",
    responses={200: CampaignOut, **problem_responses("not_found", "campaign_finished")},
)
def cancel_campaign(path: CampaignPath) -> dict[str, Any]:
    """Cancel a campaign: messages not yet sent are not sent (a finished one answers 409)."""
    merchant_id = current_merchant_id()
    return _out(service.cancel_campaign(request_session(), merchant_id, path.campaign_id))


@campaigns.get(
    "/campaigns/<campaign_id>/messages",
    responses={200: MessagePage, **problem_responses("not_found")},
)
def list_messages(path: CampaignPath, query: MessageQuery) -> dict[str, Any]:
    """The campaign's messages, newest first: each one's card, channel, status and reason (a
    skip, a mail server's refusal, the cause of the last retry)."""
    session = request_session()
    page = service.list_messages(session, current_merchant_id(), path.campaign_id, query)
    return {"items": message_views(session, page.items), "next_cursor": page.next_cursor}
