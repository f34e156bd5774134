"""Settings: the business, its users and their invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.tenancy import service as tenancy
from gateway.tenancy import users
from gateway.tenancy.models import User
from gateway.tenancy.schemas import MerchantUpdate
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

INVITE_FIELDS = ("email", "role")
BUSINESS_FIELDS = ("name", "timezone", "country")


@console.get("/settings")
@console_page()
def settings() -> Page:
    """The merchant's users and invitations."""
    return _settings_page(FormErrors(), invite_link=None)


def settings_page(status: int) -> tuple[str, int]:
    """The Settings page answered with ``status`` (a block of it refused its form)."""
    return _settings_page(FormErrors(), None, status)


def _settings_page(
    errors: FormErrors,
    invite_link: str | None,
    status: int = 200,
    values: dict[str, str] | None = None,
    business: dict[str, str] | None = None,
) -> tuple[str, int]:
    user = logged_in_user()
    session = request_session()
    return (
        render_template(
            "console/settings.html",
            merchant=tenancy.get_merchant(session, user.merchant_id),
            users=users.list_users(session, user.merchant_id),
            roles=users.ROLES,
            errors=errors,
            invite_link=invite_link,
            values=values or {"email": "", "role": "manager"},
            can_manage_users=user.role == "owner",
            business=business or _business_values(merchant_id=user.merchant_id),
        ),
        status,
    )


@console.post("/settings/users")
@console_page("owner")
def invite_user() -> Page:
    """Invite a user: the answer shows their one-time set-password link."""
    values = {name: request.form.get(name, "").strip() for name in INVITE_FIELDS}
    try:
        invited = users.create_user(
            request_session(), logged_in_user().merchant_id, values["email"], values["role"]
        )
    except DomainError as exc:
        return _settings_page(errors_of(exc, INVITE_FIELDS), None, 422, values)
    link = set_password_link(invited)
    return _settings_page(FormErrors(), link, 201)


@console.post("/settings/users/<user_id>/remove")
@console_page("owner")
def remove_user(user_id: str) -> Page:
    """Remove a user; their sessions end with their account."""
    try:
        users.remove_user(
            request_session(), logged_in_user().merchant_id, user_id, logged_in_user().id
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return _settings_page(errors_of(exc, ()), None, 422)
    flash("The user is removed.")
    return redirect(url_for("console.settings"))


def set_password_link(user: User) -> str:
    """The link a new user sets their password with."""
    return users.set_password_url(
        extensions().settings.public_url, extensions().settings.secret_key, user
    )


def _business_values(merchant_id: str) -> dict[str, str]:
    merchant = tenancy.get_merchant(request_session(), merchant_id)
    return {"name": merchant.name, "timezone": merchant.timezone, "country": merchant.country or ""}


@console.post("/settings/business")
@console_page("owner")
def update_business() -> Page:
    """Change the business's name, time zone and country (the API's own validation)."""
    business = {name: request.form.get(name, "").strip() for name in BUSINESS_FIELDS}
    try:
        body = MerchantUpdate.model_validate({**business, "country": business["country"] or None})
    except ValidationError as exc:
        return _settings_page(errors_of(exc, BUSINESS_FIELDS), None, 422, business=business)
    changes = body.model_dump(include=body.model_fields_set)
    tenancy.update_merchant(request_session(), logged_in_user().merchant_id, changes)
    flash("The business settings are saved.")
    return redirect(url_for("console.settings"))
