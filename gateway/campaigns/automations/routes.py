"""Automation routes: create, list, read, change or pause."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.campaigns.automations import service
from gateway.campaigns.automations.models import Automation
from gateway.campaigns.automations.presenters import automation_views
from gateway.campaigns.automations.schemas import (
    AutomationIn,
    AutomationOut,
    AutomationPage,
    AutomationPatch,
    AutomationPath,
    AutomationQuery,
)
from gateway.campaigns.rules import MESSAGE_REFUSALS

automations = merchant_blueprint(
    "automations",
    __name__,
    Tag(
        name="Automations",
        description="Standing messages: win-back, birthday, expiring voucher, reward ready.",
    ),
)
_BODY = ("not_found", *MESSAGE_REFUSALS, "unknown_code_pool")


def _out(automation: Automation) -> dict[str, Any]:
    return automation_views(request_session(), [automation])[0]


@automations.post("/automations", responses={201: AutomationOut, **problem_responses(*_BODY)})
def create_automation(body: AutomationIn) -> tuple[dict[str, Any], int]:
    """Add an automation: the scheduler sends it to each card whose moment comes, once per
    occurrence (absence, year, voucher, cycle)."""
    automation = service.create_automation(request_session(), current_merchant_id(), body)
    return _out(automation), 201


@automations.get("/automations", responses={200: AutomationPage, **problem_responses()})
def list_automations(query: AutomationQuery) -> dict[str, Any]:
    """Automations, newest first, with their results; filtered by ``enabled``."""
    page = service.list_automations(request_session(), current_merchant_id(), query)
    items = automation_views(request_session(), page.items)
    return {"items": items, "next_cursor": page.next_cursor}


@automations.get(
    "/automations/<automation_id>",
    responses={200: AutomationOut, **problem_responses("not_found")},
)
def get_automation(path: AutomationPath) -> dict[str, Any]:
    """Read an automation and its results."""
    merchant_id = current_merchant_id()
    return _out(service.get_automation(request_session(), merchant_id, path.automation_id))


@automations.patch(
    "/automations/<automation_id>",
    responses={200: AutomationOut, **problem_responses(*_BODY)},
)
def update_automation(path: AutomationPath, body: AutomationPatch) -> dict[str, Any]:
    """Change an automation; ``{"enabled": false}`` pauses it, ``true`` resumes it."""
    merchant_id = current_merchant_id()
    automation = service.update_automation(request_session(), merchant_id, path.automation_id, body)
    return _out(automation)
