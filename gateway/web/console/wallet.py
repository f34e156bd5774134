"""Settings, Wallet: the merchant's Apple Wallet certificate (PEM blocks or a .p12 export),
its expiry warned about 30 days ahead. Each Wallet has its own block on the page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.loyalty.programs.service import list_programs
from gateway.pagination import PageQuery
from gateway.wallet.apple import service as apple
from gateway.wallet.apple.certificates import expires_soon, pems_from_pkcs12
from gateway.wallet.apple.schemas import AppleCredentialsIn
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

APPLE_FIELDS = ("pass_type_id", "team_id", "certificate_pem", "key_pem", "wwdr_pem", "pkcs12")
_PKCS12_MAX_BYTES = 64 * 1024


def _apple_block(merchant_id: str) -> dict[str, Any]:
    credentials = apple.find_credentials(request_session(), merchant_id)
    if credentials is None:
        return {"credentials": None, "expires_soon": False}
    return {
        "credentials": credentials,
        "expires_soon": expires_soon(credentials.not_after, utcnow()),
    }


def wallet_page(
    errors: FormErrors, values: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    """The Wallet settings page, with the form errors of the last post."""
    merchant_id = logged_in_user().merchant_id
    page = render_template(
        "console/wallet.html",
        apple=_apple_block(merchant_id),
        programs=list(list_programs(request_session(), merchant_id, PageQuery(limit=50)).items),
        errors=errors,
        values=values or {},
    )
    return page, status


@console.get("/settings/wallet")
@console_page("owner")
def wallet_settings() -> Page:
    """The merchant's Wallet credentials."""
    return wallet_page(FormErrors())


def _apple_form() -> dict[str, str]:
    values = {name: request.form.get(name, "").strip() for name in APPLE_FIELDS[:5]}
    bundle = request.files.get("pkcs12")
    if bundle is not None and bundle.filename:
        content = bundle.read(_PKCS12_MAX_BYTES + 1)
        if len(content) > _PKCS12_MAX_BYTES:
            raise DomainError("wallet_pem_unreadable", "pkcs12: the file is too large")
        certificate, key = pems_from_pkcs12(content, request.form.get("pkcs12_password", ""))
        values |= {"certificate_pem": certificate, "key_pem": key}
    return values


@console.post("/settings/wallet/apple")
@console_page("owner")
def save_apple_wallet() -> Page:
    """Save the Apple Wallet certificate: pasted PEM blocks, or a .p12 file and its password."""
    values: dict[str, str] = {}
    try:
        values = _apple_form()
        body = AppleCredentialsIn.model_validate(values)
        apple.save_credentials(
            request_session(), extensions().settings, logged_in_user().merchant_id, body
        )
    except (DomainError, ValidationError) as exc:
        shown = {name: values.get(name, "") for name in ("pass_type_id", "team_id")}
        return wallet_page(errors_of(exc, APPLE_FIELDS), shown, 422)
    flash("The Apple Wallet certificate is saved.")
    return redirect(url_for("console.wallet_settings"))


@console.post("/settings/wallet/apple/remove")
@console_page("owner")
def remove_apple_wallet() -> Page:
    """Remove the Apple Wallet certificate: cards no longer offer Apple passes."""
    apple.remove_credentials(request_session(), logged_in_user().merchant_id)
    flash("The Apple Wallet certificate is removed.")
    return redirect(url_for("console.wallet_settings"))
