"""The merchant's console: log in, API keys, users and invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from gateway.api.problems import STATUSES
from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.pagination import PageQuery
from gateway.tenancy import service as tenancy
from gateway.tenancy import users
from gateway.tenancy.models import User
from gateway.web.console.auth import console_page, current_user, log_in, log_out, safe_next
from gateway.web.forms import FormErrors, errors_of
from gateway.web.security import protect_forms

console = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
console.before_request(protect_forms)
LOGIN_FIELDS = ("email", "password")
INVITE_FIELDS = ("email", "role")
MISMATCH = "The two passwords are not the same."
Page = str | tuple[str, int] | Response


@console.after_request
def _never_cached(response: Response) -> Response:
    # Pages show a merchant's data: no shared cache or back button may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@console.app_context_processor
def _layout() -> dict[str, Any]:
    return {"console_user": current_user}


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


@console.get("/")
@console_page()
def dashboard() -> Page:
    """The merchant's home: what is set up and what is left to do."""
    user = _user()
    session = request_session()
    merchant = tenancy.get_merchant(session, user.merchant_id)
    keys = tenancy.list_api_keys(session, user.merchant_id, PageQuery(limit=1))
    return render_template("console/dashboard.html", merchant=merchant, has_keys=bool(keys.items))


@console.get("/api-keys")
@console_page()
def api_keys() -> Page:
    """The merchant's API keys (never their secret part after creation)."""
    return _api_keys_page(new_key=None)


def _api_keys_page(new_key: str | None, status: int = 200) -> tuple[str, int]:
    page = tenancy.list_api_keys(request_session(), _user().merchant_id, PageQuery(limit=500))
    return render_template("console/api_keys.html", keys=page.items, new_key=new_key), status


@console.post("/api-keys")
@console_page()
def api_keys_create() -> Page:
    """Create a key; its plaintext is shown on this answer only."""
    label = request.form.get("label", "").strip()[:200] or None
    issued = tenancy.create_api_key(request_session(), _user().merchant_id, label)
    return _api_keys_page(new_key=issued.plaintext, status=201)


@console.post("/api-keys/<key_id>/revoke")
@console_page()
def api_keys_revoke(key_id: str) -> Response:
    """Revoke a key at once."""
    key = tenancy.revoke_api_key(request_session(), _user().merchant_id, key_id)
    flash(f"The key {key.prefix}… is revoked.")
    return redirect(url_for("console.api_keys"))


@console.get("/settings")
@console_page()
def settings() -> Page:
    """The merchant's users and invitations."""
    return _settings_page(FormErrors(), invite_link=None)


def _settings_page(
    errors: FormErrors,
    invite_link: str | None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> tuple[str, int]:
    user = _user()
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
            request_session(), _user().merchant_id, values["email"], values["role"]
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
        users.remove_user(request_session(), _user().merchant_id, user_id, _user().id)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return _settings_page(errors_of(exc, ()), None, 422)
    flash("The user is removed.")
    return redirect(url_for("console.settings"))


def set_password_link(user: User) -> str:
    """The link a new user sets their password with."""
    return users.set_password_url(extensions().settings.public_url, _secret(), user)


def _user() -> User:
    user = current_user()
    assert user is not None  # console_page let the request in
    return user


@console.errorhandler(CSRFError)
def _csrf_refused(_exc: CSRFError) -> tuple[str, int]:
    message = "This form has expired or did not come from this page. Reload it and try again."
    return render_template("console/error.html", message=message), 400


@console.errorhandler(RateLimitExceeded)
def _too_many_logins(exc: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    minutes = max(1, round(exc.limit.limit.get_expiry() / 60))
    message = f"{exc.description} Wait {minutes} minutes, then try again."
    errors = FormErrors(general=[message])
    page = render_template("console/login.html", errors=errors, email="")
    return page, 429, {"Retry-After": str(minutes * 60)}


@console.errorhandler(DomainError)
def _refused(exc: DomainError) -> tuple[str, int]:
    return render_template("console/error.html", message=exc.detail), STATUSES.get(exc.code, 400)


@console.errorhandler(NotFound)
def _not_found(_exc: NotFound) -> tuple[str, int]:
    return render_template("console/error.html", message="This page does not exist."), 404


@console.errorhandler(Forbidden)
def _forbidden(_exc: Forbidden) -> tuple[str, int]:
    message = "Your account cannot open this page; ask the owner of the account."
    return render_template("console/error.html", message=message), 403
