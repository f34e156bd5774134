"""Settings, Google Wallet block: the merchant pastes the issuer id and the service-account
JSON; the page shows which account is set, never its key."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, redirect, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.wallet.google import service
from gateway.wallet.google.schemas import GoogleCredentialsIn
from gateway.web.console import team
from gateway.web.console.auth import console_page, current_user
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

FIELDS = ("issuer_id", "service_account")
NOT_JSON = "Paste the whole JSON key file, from { to }, as Google Cloud downloaded it."


@console.app_context_processor
def _google_wallet_block() -> dict[str, Any]:
    return {"google_wallet": _block, "google_wallet_jobs": _jobs}


def _jobs(card_id: str) -> list[Any]:
    """The card page's Google Wallet outcomes (this merchant's jobs of the card)."""
    user = current_user()
    if user is None:
        return []
    return service.recent_jobs(request_session(), user.merchant_id, card_id)


def _block() -> dict[str, Any]:
    """What the Settings block shows: the account set (if any), and the form's errors."""
    user = current_user()
    issuer = None if user is None else service.issuer_of(request_session(), user.merchant_id)
    form = g.get("google_wallet_form") or {"errors": FormErrors(), "values": {}}
    return {"issuer": issuer, **form}


@console.post("/settings/google-wallet")
@console_page("owner")
def put_google_wallet() -> Page:
    """Save the Google Wallet credentials (the API's own checks, messages beside the fields)."""
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        body = GoogleCredentialsIn.model_validate(
            {"issuer_id": values["issuer_id"], "service_account": _parsed(values)}
        )
        merchant_id = logged_in_user().merchant_id
        service.put_credentials(request_session(), extensions().settings, merchant_id, body)
    except (DomainError, ValidationError) as exc:
        errors = errors_of(exc, FIELDS)
        if isinstance(exc, DomainError) and exc.code.startswith("google_"):
            errors = FormErrors(fields={"service_account": exc.detail})
        return _page_with(errors, {"issuer_id": values["issuer_id"]})
    flash("Google Wallet is set up: cards and vouchers can be saved to Google Wallet.")
    return redirect(url_for("console.settings"))


@console.post("/settings/google-wallet/remove")
@console_page("owner")
def remove_google_wallet() -> Page:
    """Forget the Google Wallet credentials."""
    service.delete_credentials(request_session(), logged_in_user().merchant_id)
    flash("Google Wallet is turned off.")
    return redirect(url_for("console.settings"))


def _parsed(values: dict[str, str]) -> dict[str, Any]:
    try:
        parsed = json.loads(values["service_account"])
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise DomainError("google_service_account_invalid", NOT_JSON)
    return parsed


def _page_with(errors: FormErrors, values: dict[str, str]) -> Page:
    g.google_wallet_form = {"errors": errors, "values": values}
    return team.settings_page(422)
