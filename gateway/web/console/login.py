"""Logging in and out, set-password links, and the page staff accounts land on."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.tenancy import users
from gateway.web.console.auth import current_user, log_in, log_out, safe_next
from gateway.web.console.blueprint import Page, console
from gateway.web.forms import FormErrors, errors_of

MISMATCH = "The two passwords are not the same."


@console.get("/login")
def login() -> Page:
    """The login form (or straight on, when already logged in)."""
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next")))
    return render_template("console/login.html", errors=FormErrors(), email="")


@console.post("/login")
def login_submit() -> Page:
    """Check the credentials; a failure answers 401 (counted by the login rate limits)."""
    email = request.form.get("email", "").strip()
    user = users.authenticate_user(request_session(), email, request.form.get("password", ""))
    if user is None or user.role not in ("owner", "manager", "staff"):
        errors = FormErrors(general=["The email or password is wrong."])
        return render_template("console/login.html", errors=errors, email=email), 401
    log_in(user)
    if user.role == "staff":
        return redirect(url_for("console.staff_only"))
    return redirect(safe_next(request.args.get("next")))


@console.post("/logout")
def logout() -> Response:
    """End the session."""
    log_out()
    flash("You are logged out.")
    return redirect(url_for("console.login"))


@console.get(users.SET_PASSWORD_PATH.removeprefix("/console") + "<token>")
def set_password(token: str) -> Page:
    """The form behind a set-password link."""
    user = users.user_for_token(request_session(), _secret(), token)
    return render_template("console/set_password.html", email=user.email, errors=FormErrors())


@console.post(users.SET_PASSWORD_PATH.removeprefix("/console") + "<token>")
def set_password_submit(token: str) -> Page:
    """Set the password, then log the user in."""
    session = request_session()
    user = users.user_for_token(session, _secret(), token)
    password = request.form.get("password", "")
    errors = FormErrors()
    if password != request.form.get("password_again", ""):
        errors.fields["password_again"] = MISMATCH
    else:
        try:
            users.set_password(session, user, password)
        except DomainError as exc:
            errors = errors_of(exc, ("password",))
    if errors:
        return render_template("console/set_password.html", email=user.email, errors=errors), 422
    log_in(user)
    flash("Your password is set.")
    return redirect(url_for("console.login"))


def _secret() -> str:
    return extensions().settings.secret_key


@console.get("/staff")
def staff_only() -> Page:
    """Staff accounts use the scanner, not the console."""
    return render_template("console/staff.html"), 403
