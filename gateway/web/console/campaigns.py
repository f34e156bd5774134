"""Campaigns: the list with each one's progress, a campaign with Cancel, and the create form
with its recipient preview (the API's own checks, errors beside their field)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.campaigns import service
from gateway.campaigns.presenters import campaign_views
from gateway.campaigns.schemas import PUSH_TEXT_GRAPHEMES, CampaignIn, CampaignQuery
from gateway.errors import DomainError
from gateway.loyalty.programs.service import list_programs
from gateway.pagination import PageQuery
from gateway.tenancy.service import get_merchant
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.campaign_form import (
    SendAtError,
    body_from_form,
    campaign_field_of,
    refusal_field,
    send_at_of,
)
from gateway.web.console.programs import pool_options
from gateway.web.forms import FormErrors, validation_errors

SEGMENT_CHOICES = [
    ("all", "All cards of the program"),
    ("inactive", "No visit for a number of days (win-back)"),
    ("near_goal", "A few stamps from the goal"),
    ("voucher_expiring", "A voucher expiring soon"),
    ("never_redeemed", "Never redeemed a voucher"),
    ("location", "Visited a location"),
    ("birthday_week", "Birthday this week"),
]
CHANNEL_CHOICES = [
    ("wallet", "Wallet push (on the saved card)"),
    ("email", "E-mail"),
    ("messenger", "Messenger"),
]


def message_form_choices() -> dict[str, Any]:
    """What the campaign and automation forms offer: the merchant's programs, the channels,
    the push text's limit and the code pools a voucher may draw from."""
    programs = list_programs(request_session(), _merchant_id(), PageQuery(limit=500)).items
    return {
        "programs": [(program.id, program.name) for program in programs],
        "channel_choices": CHANNEL_CHOICES,
        "push_limit": PUSH_TEXT_GRAPHEMES,
        "pools_options": pool_options(),
    }


def _merchant_id() -> str:
    return logged_in_user().merchant_id


@console.get("/campaigns")
@console_page()
def campaigns() -> Page:
    """The merchant's campaigns, newest first, with their progress."""
    session = request_session()
    page = service.list_campaigns(session, _merchant_id(), CampaignQuery(limit=100))
    return render_template("console/campaigns.html", campaigns=campaign_views(session, page.items))


@console.get("/campaigns/new")
@console_page()
def campaigns_new() -> Page:
    """The create form."""
    values = {"segment-kind": "all", "send_when": "now", "voucher-redemption": "staff"}
    return _form_page(values, ["wallet"], FormErrors())


@console.post("/campaigns/new")
@console_page()
def campaigns_create() -> Page:
    """Preview the recipients, or schedule the campaign; nothing is written on an error."""
    values = dict(request.form.items())
    channels = request.form.getlist("channels")
    session = request_session()
    merchant_id = _merchant_id()
    try:
        send_at = send_at_of(values, get_merchant(session, merchant_id).timezone)
    except SendAtError as exc:
        return _form_page(values, channels, FormErrors(fields={"send_at": str(exc)}), 422)
    try:
        body = CampaignIn.model_validate(body_from_form(values, channels, send_at))
        if values.get("action") == "preview":
            preview = service.preview_campaign(session, merchant_id, body)
            counts = {"recipients": preview.recipients, "channels": preview.per_channel()}
            return _form_page(values, channels, FormErrors(), preview=counts)
        campaign = service.create_campaign(session, merchant_id, body)
    except ValidationError as exc:
        errors = validation_errors(exc, campaign_field_of, known=None)
        return _form_page(values, channels, errors, 422)
    except DomainError as exc:
        field = refusal_field(exc.code, exc.extra)
        message = exc.detail.partition(": ")[2] if field and ": " in exc.detail else exc.detail
        errors = FormErrors(fields={field: message[:1].upper() + message[1:]})
        return _form_page(values, channels, errors if field else FormErrors(general=[message]), 422)
    flash(f"“{campaign.name}” is scheduled.")
    return redirect(url_for("console.campaigns_show", campaign_id=campaign.id))


@console.get("/campaigns/<campaign_id>")
@console_page()
def campaigns_show(campaign_id: str) -> Page:
    """One campaign: what it sends to whom, and its progress."""
    session = request_session()
    campaign = service.get_campaign(session, _merchant_id(), campaign_id)
    view = campaign_views(session, [campaign])[0]
    return render_template("console/campaign.html", campaign=view, segments=dict(SEGMENT_CHOICES))


@console.post("/campaigns/<campaign_id>/cancel")
@console_page()
def campaigns_cancel(campaign_id: str) -> Page:
    """Cancel the campaign once the box is ticked: what is not yet sent never will be."""
    merchant_id = _merchant_id()
    if request.form.get("confirm") != "yes":
        service.get_campaign(request_session(), merchant_id, campaign_id)  # 404 first
        flash("Not cancelled: tick the box to confirm.")
    else:
        try:
            service.cancel_campaign(request_session(), merchant_id, campaign_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            flash(f"Not cancelled: {exc.detail}")
        else:
            flash("The campaign is cancelled.")
    return redirect(url_for("console.campaigns_show", campaign_id=campaign_id))


def _form_page(
    values: dict[str, str],
    channels: list[str],
    errors: FormErrors,
    status: int = 200,
    preview: dict[str, Any] | None = None,
) -> tuple[str, int]:
    session = request_session()
    page = render_template(
        "console/campaign_new.html",
        values=values,
        channels=channels,
        errors=errors,
        preview=preview,
        segment_choices=SEGMENT_CHOICES,
        timezone=get_merchant(session, _merchant_id()).timezone,
        **message_form_choices(),
    )
    return page, status
