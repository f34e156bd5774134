"""Automations: the list with each one's results and Pause / Resume, and the create form (the
API's own checks, errors beside their field)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.campaigns.automations import service
from gateway.campaigns.automations.presenters import automation_views
from gateway.campaigns.automations.schemas import (
    AutomationIn,
    AutomationPatch,
    AutomationQuery,
)
from gateway.errors import DomainError
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.campaign_form import campaign_field_of, refusal_field
from gateway.web.console.campaigns import message_form_choices
from gateway.web.console.program_form import reward_form_values, reward_from_form
from gateway.web.forms import FormErrors, validation_errors

TRIGGER_CHOICES = [
    ("win_back", "No visit for a number of days (win-back)"),
    ("birthday", "The customer's birthday"),
    ("voucher_expiring", "Days before a voucher expires"),
    ("reward_ready", "One stamp from the goal"),
]
WITH_DAYS = ("win_back", "voucher_expiring")


def _merchant_id() -> str:
    return logged_in_user().merchant_id


def _text(form: Mapping[str, str], name: str) -> str | None:
    return str(form.get(name, "")).strip() or None


def body_from_form(form: Mapping[str, str], channels: Sequence[str]) -> dict[str, Any]:
    """The ``POST /v1/automations`` body the form describes (unvalidated)."""
    kind = _text(form, "trigger-kind") or ""
    trigger: dict[str, Any] = {"kind": kind}
    if kind in WITH_DAYS:
        days = _text(form, "trigger-days") or ""
        trigger["days"] = int(days) if days.isdigit() else days or None
    voucher = None
    if form.get("voucher-type") == "voucher":
        voucher = {**reward_from_form(form, "voucher"), "type": "voucher"}
    return {
        "program_id": _text(form, "program_id") or "",
        "name": _text(form, "name") or "",
        "trigger": trigger,
        "push_text": _text(form, "push_text"),
        "message_text": _text(form, "message_text"),
        "channels": list(channels),
        "voucher": voucher,
    }


def automation_field_of(loc: Sequence[str | int]) -> str:
    """The form field an error at ``loc`` belongs beside."""
    parts = [str(part) for part in loc]
    if parts and parts[0] == "trigger":
        return "trigger-days" if "days" in parts else "trigger-kind"
    return campaign_field_of(loc)


@console.get("/automations")
@console_page()
def automations() -> Page:
    """The merchant's automations, newest first, with their results."""
    session = request_session()
    page = service.list_automations(session, _merchant_id(), AutomationQuery(limit=100))
    views = automation_views(session, page.items)
    return render_template(
        "console/automations.html", automations=views, triggers=dict(TRIGGER_CHOICES)
    )


@console.get("/automations/new")
@console_page()
def automations_new() -> Page:
    """The create form."""
    return _form_page(
        {"trigger-kind": "win_back", "voucher-redemption": "staff"}, ["wallet"], FormErrors()
    )


@console.post("/automations/new")
@console_page()
def automations_create() -> Page:
    """Add the automation; nothing is written on an error."""
    values = dict(request.form.items())
    channels = request.form.getlist("channels")
    try:
        body = AutomationIn.model_validate(body_from_form(values, channels))
        automation = service.create_automation(request_session(), _merchant_id(), body)
    except ValidationError as exc:
        errors = validation_errors(exc, automation_field_of, known=None)
        return _form_page(values, channels, errors, 422)
    except DomainError as exc:
        return _form_page(values, channels, _refusal(exc), 422)
    flash(f"“{automation.name}” is on.")
    return redirect(url_for("console.automations"))


def form_from_automation(view: Mapping[str, Any]) -> dict[str, str]:
    """The form's values for a stored automation (the inverse of ``body_from_form``)."""
    values = {
        "program_id": view["program_id"],
        "name": view["name"],
        "trigger-kind": view["trigger"]["kind"],
        "trigger-days": str(view["trigger"].get("days") or ""),
        "push_text": view["push_text"] or "",
        "message_text": view["message_text"] or "",
        "voucher-type": "",
        "voucher-redemption": "staff",
    }
    if view["voucher"]:
        values.update(reward_form_values("voucher", view["voucher"]))
    return values


@console.get("/automations/<automation_id>")
@console_page()
def automations_edit(automation_id: str) -> Page:
    """The edit form of one automation, filled in."""
    session = request_session()
    automation = service.get_automation(session, _merchant_id(), automation_id)
    view = automation_views(session, [automation])[0]
    return _form_page(form_from_automation(view), view["channels"], FormErrors(), view=view)


@console.post("/automations/<automation_id>")
@console_page()
def automations_update(automation_id: str) -> Page:
    """Save the changes; nothing is written on an error."""
    session, merchant_id = request_session(), _merchant_id()
    view = automation_views(session, [service.get_automation(session, merchant_id, automation_id)])[
        0
    ]
    values = dict(request.form.items())
    channels = request.form.getlist("channels")
    try:
        body = body_from_form(values, channels)
        del body["program_id"]  # the program stays
        patch = AutomationPatch.model_validate(body)
        automation = service.update_automation(session, merchant_id, automation_id, patch)
    except ValidationError as exc:
        errors = validation_errors(exc, automation_field_of, known=None)
        return _form_page(values, channels, errors, 422, view=view)
    except DomainError as exc:
        return _form_page(values, channels, _refusal(exc), 422, view=view)
    flash(f"“{automation.name}” is saved.")
    return redirect(url_for("console.automations"))


def _refusal(exc: DomainError) -> FormErrors:
    field = refusal_field(exc.code, exc.extra)
    message = exc.detail.partition(": ")[2] if field and ": " in exc.detail else exc.detail
    if not field:
        return FormErrors(general=[message])
    return FormErrors(fields={field: message[:1].upper() + message[1:]})


@console.post("/automations/<automation_id>/enabled")
@console_page()
def automations_enable(automation_id: str) -> Page:
    """Pause or resume the automation."""
    enabled = request.form.get("enabled") == "yes"
    patch = AutomationPatch(enabled=enabled)
    automation = service.update_automation(request_session(), _merchant_id(), automation_id, patch)
    flash(f"“{automation.name}” is {'on' if enabled else 'paused'}.")
    return redirect(url_for("console.automations"))


def _form_page(
    values: dict[str, str],
    channels: list[str],
    errors: FormErrors,
    status: int = 200,
    view: Mapping[str, Any] | None = None,
) -> tuple[str, int]:
    page = render_template(
        "console/automation_new.html",
        values=values,
        channels=channels,
        errors=errors,
        trigger_choices=TRIGGER_CHOICES,
        automation=view,
        **message_form_choices(),
    )
    return page, status
