"""The results tables of the dashboard: the latest campaigns, and the automations."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from gateway.campaigns import service as campaigns
from gateway.campaigns.automations import service as automations
from gateway.campaigns.automations.presenters import automation_views
from gateway.campaigns.automations.schemas import AutomationQuery
from gateway.campaigns.presenters import campaign_views
from gateway.campaigns.schemas import CampaignQuery

SHOWN = 5


def recent_results(session: Session, merchant_id: str) -> list[dict[str, Any]]:
    """The latest campaigns and automations, each with its name, page and results."""
    latest = campaigns.list_campaigns(session, merchant_id, CampaignQuery(limit=SHOWN)).items
    standing = automations.list_automations(session, merchant_id, AutomationQuery(limit=SHOWN))
    rows = [
        {
            "name": view["name"],
            "url": url_for("console.campaigns_show", campaign_id=view["id"]),
            "results": view["results"],
        }
        for view in campaign_views(session, latest)
    ]
    rows.extend(
        {"name": f"{view['name']} (automation)", "url": None, "results": view["results"]}
        for view in automation_views(session, standing.items)
    )
    return rows
