"""The console's blueprint: what every console page shares (caching, errors, the user)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from gateway.api.problems import STATUSES
from gateway.errors import DomainError
from gateway.tenancy.models import User
from gateway.web.console.auth import current_user
from gateway.web.forms import FormErrors
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
Page = str | tuple[str, int] | Response


@console.after_request
def _never_cached(response: Response) -> Response:
    # Pages show a merchant's data: no shared cache or back button may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@console.app_context_processor
def _layout() -> dict[str, Any]:
    return {"console_user": current_user}


def logged_in_user() -> User:
    """The user of a ``console_page`` view (the guard already let them in)."""
    user = current_user()
    assert user is not None
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
