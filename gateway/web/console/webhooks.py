"""Webhooks, the integrators' portal: endpoints, their secret, deliveries and their attempts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.pagination import PageQuery
from gateway.tenancy import service as tenancy
from gateway.timestamps import iso_utc
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of
from webhooks import endpoints as service
from webhooks.payloads import describe_event_types
from webhooks.presenters import delivery_out, endpoint_out
from webhooks.schemas import DeliveryQuery, EndpointCreate, EndpointPatch, RecoverRequest
from webhooks.states import DELIVERY_STATUSES

FORM_FIELDS = ("url", "description", "event_types", "status")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what a datetime-local input holds
SINCE_HINT = "Enter a date and time, e.g. 2026-12-01 09:00."
STALE = "Here it is as saved now: make your change again."


@console.app_template_filter("webhook_time")
def webhook_time(value: str | None, zone: str) -> str:
    """An RFC 3339 time of a presenter as the merchant reads it, in their time zone."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def _zone() -> str:
    return tenancy.get_merchant(request_session(), logged_in_user().merchant_id).timezone


@console.get("/webhooks")
@console_page()
def webhooks() -> Page:
    """The merchant's endpoints with their status and health."""
    query = PageQuery(cursor=request.args.get("cursor", "")[:64] or None, limit=100)
    page = service.list_endpoints(request_session(), logged_in_user().merchant_id, query)
    endpoints = [endpoint_out(item) for item in page.items]
    return render_template(
        "console/webhooks.html", endpoints=endpoints, next_cursor=page.next_cursor, zone=_zone()
    )


@console.get("/webhooks/new")
@console_page()
def webhooks_new() -> Page:
    """The form of a new endpoint (every event type unless some are chosen)."""
    return _form_page(None, {"url": "", "description": "", "event_types": None}, FormErrors())


def _form_page(
    endpoint: dict[str, Any] | None, values: dict[str, Any], errors: FormErrors, status: int = 200
) -> tuple[str, int]:
    catalog = [
        {**item, "schema_json": json.dumps(item["schema"], indent=2)}
        for item in describe_event_types()
    ]
    page = render_template(
        "console/webhook_form.html",
        endpoint=endpoint,
        values=values,
        errors=errors,
        catalog=catalog,
    )
    return page, status


def _form_values() -> dict[str, Any]:
    everything = request.form.get("types", "all") == "all"
    return {
        "url": request.form.get("url", "").strip(),
        "description": request.form.get("description", "").strip() or None,
        "event_types": None if everything else request.form.getlist("event_types"),
    }


def _form_errors(exc: DomainError | ValidationError) -> FormErrors:
    # The SSRF guard's refusal (and the setting that would allow the URL) is about the URL.
    if isinstance(exc, DomainError) and exc.code == "url_not_allowed":
        return FormErrors(fields={"url": exc.detail})
    return errors_of(exc, FORM_FIELDS)


@console.post("/webhooks")
@console_page()
def webhooks_create() -> Page:
    """Register an endpoint; its signing secret is shown on this answer only."""
    values = _form_values()
    try:
        endpoint, secret = service.create_endpoint(
            request_session(),
            extensions().settings,
            logged_in_user().merchant_id,
            EndpointCreate.model_validate(values),
        )
    except (DomainError, ValidationError) as exc:
        return _form_page(None, values, _form_errors(exc), 422)
    return _endpoint_page(endpoint.id, secret=secret, status=201)


@console.get("/webhooks/<endpoint_id>")
@console_page()
def webhooks_endpoint(endpoint_id: str) -> Page:
    """One endpoint: its settings, actions and deliveries (by status)."""
    return _endpoint_page(endpoint_id)


def _endpoint_page(
    endpoint_id: str,
    secret: str | None = None,
    status: int = 200,
    errors: FormErrors | None = None,
    since: str | None = None,
    **extra: Any,
) -> tuple[str, int]:
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    endpoint = service.get_endpoint(session, merchant_id, endpoint_id)
    errors = errors or FormErrors()
    zone = _zone()
    filters = {"status": request.args.get("status") or None}
    try:
        query = DeliveryQuery.model_validate(
            {**filters, "cursor": request.args.get("cursor") or None}
        )
    except ValidationError as exc:
        errors.fields.update(errors_of(exc, ("status",)).fields)
        query, status = DeliveryQuery(), 422
    page = service.list_deliveries(session, merchant_id, endpoint.id, query.status, query)
    return render_template(
        "console/webhook.html",
        endpoint=endpoint_out(endpoint),
        deliveries=[delivery_out(session, item) for item in page.items],
        next_cursor=page.next_cursor,
        filters=filters,
        statuses=DELIVERY_STATUSES,
        secret=secret,
        errors=errors,
        zone=zone,
        since=since or _since_offered(endpoint.failing_since, zone),
        **extra,
    ), status


def _since_offered(failing_since: datetime | None, zone: str) -> str:
    """Recover from: when a re-enabled endpoint started failing, when it fails, or a day ago."""
    try:
        asked = datetime.fromisoformat(request.args.get("recover_since", ""))
    except ValueError:
        asked = None
    start = asked or failing_since or utcnow() - timedelta(days=1)
    return start.astimezone(ZoneInfo(zone)).strftime(LOCAL_INPUT)


@console.get("/webhooks/<endpoint_id>/edit")
@console_page()
def webhooks_edit(endpoint_id: str) -> Page:
    """The form of an endpoint's URL, description and event types."""
    endpoint = endpoint_out(
        service.get_endpoint(request_session(), logged_in_user().merchant_id, endpoint_id)
    )
    return _form_page(endpoint, endpoint, FormErrors())


@console.post("/webhooks/<endpoint_id>")
@console_page()
def webhooks_update(endpoint_id: str) -> Page:
    """Save the endpoint's form."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    endpoint = endpoint_out(service.get_endpoint(session, merchant_id, endpoint_id))
    values = _form_values()
    try:
        patch = EndpointPatch.model_validate(values)
        service.update_endpoint(
            session, extensions().settings, merchant_id, endpoint_id, patch, _read_at()
        )
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, DomainError) and exc.code == "conflict":
            errors = FormErrors(general=[f"{exc.detail} {STALE}"])
            return _form_page(endpoint, endpoint, errors, 409)
        read = {**endpoint, "updated_at": request.form.get("updated_at", "")}
        return _form_page(read, values, _form_errors(exc), 422)
    flash("The endpoint is saved.")
    return redirect(url_for("console.webhooks_endpoint", endpoint_id=endpoint_id))


def _read_at() -> datetime | None:
    """The ``updated_at`` of the endpoint the form was opened on."""
    try:
        return datetime.fromisoformat(request.form.get("updated_at", ""))
    except ValueError:
        return None


@console.post("/webhooks/<endpoint_id>/status")
@console_page()
def webhooks_status(endpoint_id: str) -> Page:
    """Enable or disable the endpoint; re-enabling offers to recover what failed meanwhile."""
    try:
        patch = EndpointPatch.model_validate({"status": request.form.get("status", "")})
    except ValidationError as exc:
        return _endpoint_page(endpoint_id, status=422, errors=errors_of(exc, ()))
    endpoint, since = service.update_endpoint(
        request_session(),
        extensions().settings,
        logged_in_user().merchant_id,
        endpoint_id,
        patch,
    )
    flash(f"The endpoint is {endpoint.status}.")
    if since is None:
        return redirect(url_for("console.webhooks_endpoint", endpoint_id=endpoint_id))
    flash("Deliveries that failed while it was off can be sent again with Recover below.")
    return redirect(
        url_for("console.webhooks_endpoint", endpoint_id=endpoint_id, recover_since=iso_utc(since))
    )


@console.post("/webhooks/<endpoint_id>/secret")
@console_page()
def webhooks_secret(endpoint_id: str) -> Page:
    """Show the signing secret, on this answer only."""
    secret = service.read_secret(
        request_session(), extensions().settings, logged_in_user().merchant_id, endpoint_id
    )
    return _endpoint_page(endpoint_id, secret=secret)


@console.post("/webhooks/<endpoint_id>/rotate-secret")
@console_page()
def webhooks_rotate(endpoint_id: str) -> Page:
    """A new signing secret, shown once; the old one keeps signing for the grace period."""
    endpoint, secret = service.rotate_secret(
        request_session(), extensions().settings, logged_in_user().merchant_id, endpoint_id
    )
    until = endpoint.previous_secret_until
    return _endpoint_page(
        endpoint_id, secret=secret, previous_until=iso_utc(until) if until else None
    )


@console.post("/webhooks/<endpoint_id>/test")
@console_page()
def webhooks_test(endpoint_id: str) -> Response:
    """Send a ``webhook.test`` event to this endpoint; its delivery page follows."""
    _event_id, delivery = service.send_test(
        request_session(), logged_in_user().merchant_id, endpoint_id
    )
    flash("A test event is on its way to the endpoint.")
    return redirect(url_for("console.webhooks_delivery", delivery_id=delivery.id))


@console.post("/webhooks/<endpoint_id>/recover")
@console_page()
def webhooks_recover(endpoint_id: str) -> Page:
    """Send again the failed and exhausted deliveries created since a time of the merchant's."""
    typed = request.form.get("since", "").strip()
    try:
        local = datetime.fromisoformat(typed).replace(tzinfo=ZoneInfo(_zone()))
        since = RecoverRequest.model_validate({"since": local}).since
    except (ValueError, ValidationError):
        errors = FormErrors(fields={"since": SINCE_HINT})
        return _endpoint_page(endpoint_id, status=422, errors=errors, since=typed)
    ids = service.recover(request_session(), logged_in_user().merchant_id, endpoint_id, since)
    flash(f"{len(ids)} deliveries will be sent again." if ids else "No failed deliveries since.")
    return redirect(url_for("console.webhooks_endpoint", endpoint_id=endpoint_id))


@console.get("/webhooks/deliveries/<delivery_id>")
@console_page()
def webhooks_delivery(delivery_id: str) -> Page:
    """A delivery with every attempt: the request sent and the answer, or the error."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    delivery = service.get_delivery(session, merchant_id, delivery_id)
    endpoint = service.get_endpoint(session, merchant_id, delivery.endpoint_id)
    return render_template(
        "console/webhook_delivery.html",
        delivery=delivery_out(session, delivery, with_attempts=True),
        endpoint=endpoint_out(endpoint),
        zone=_zone(),
    )


@console.post("/webhooks/deliveries/<delivery_id>/retry")
@console_page()
def webhooks_retry(delivery_id: str) -> Response:
    """Attempt the delivery again now (a replay when it had succeeded)."""
    service.retry_delivery(request_session(), logged_in_user().merchant_id, delivery_id)
    flash("The delivery will be attempted again now.")
    return redirect(url_for("console.webhooks_delivery", delivery_id=delivery_id))
