"""The scanner's blueprint: what every scanner page shares (caching, errors, the seat)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from gateway.api.problems import STATUSES
from gateway.errors import DomainError
from gateway.web.scanner.auth import current_seat
from gateway.web.scanner.language import _
from gateway.web.security import protect_forms

scanner = Blueprint(
    "scanner",
    __name__,
    url_prefix="/scanner",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
scanner.before_request(protect_forms)
Page = str | tuple[str, int] | Response


@scanner.after_request
def _never_cached(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@scanner.context_processor
def _layout() -> dict[str, Any]:
    return {"seat": current_seat()}


def _error(message: str, status: int) -> tuple[str, int]:
    return render_template("scanner/error.html", message=message), status


@scanner.errorhandler(CSRFError)
def _csrf_refused(_exc: CSRFError) -> tuple[str, int]:
    return _error(_("This form has expired. Reload the page and try again."), 400)


@scanner.errorhandler(RateLimitExceeded)
def _too_many(_exc: RateLimitExceeded) -> tuple[str, int]:
    return _error(_("Too many attempts. Wait a minute, then try again."), 429)


@scanner.errorhandler(DomainError)
def _refused(exc: DomainError) -> tuple[str, int]:
    status = STATUSES.get(exc.code, 400)
    if exc.code == "not_found":
        return _error(_("Not found."), 404)
    return _error(exc.detail, status)


@scanner.errorhandler(NotFound)
def _not_found(_exc: NotFound) -> tuple[str, int]:
    return _error(_("Not found."), 404)


@scanner.errorhandler(Forbidden)
def _forbidden(_exc: Forbidden) -> tuple[str, int]:
    return _error(_("This device cannot do that."), 403)
