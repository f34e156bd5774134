"""Deleting a webhook endpoint from the console: a confirm page, then the same service as
``DELETE /v1/webhook-endpoints/{id}``."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from webhooks import endpoints as service
from webhooks.presenters import endpoint_out


@console.get("/webhooks/<endpoint_id>/delete")
@console_page()
def webhooks_delete_confirm(endpoint_id: str) -> Page:
    """Ask before deleting: what goes with the endpoint, and a way back."""
    endpoint = service.get_endpoint(request_session(), logged_in_user().merchant_id, endpoint_id)
    return render_template("console/webhook_delete.html", endpoint=endpoint_out(endpoint))


@console.post("/webhooks/<endpoint_id>/delete")
@console_page()
def webhooks_delete(endpoint_id: str) -> Response:
    """Delete the endpoint with its delivery log; nothing more is sent to it."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    url = service.get_endpoint(session, merchant_id, endpoint_id).url
    service.delete_endpoint(session, merchant_id, endpoint_id)
    flash(f"The endpoint {url} is deleted.")
    return redirect(url_for("console.webhooks"))
