"""The customer's pages (card, voucher, lottery, receipt claim): public, reached only by
unguessable tokens, never cached, and answering anything unknown with one plain 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from gateway.api.problems import STATUSES
from gateway.api.security_headers import html_policy
from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.web.security import protect_forms

public = Blueprint(
    "public",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/public/static",
)
# RFC 8058: mail providers post the one-click unsubscribe with no session to forge; its
# signed token is the only authority, so there is no form to protect.
WITHOUT_FORMS = frozenset({"public.unsubscribe_one_click"})


@public.before_request
def _protect_forms() -> None:
    if request.endpoint not in WITHOUT_FORMS:
        protect_forms()


Page = str | tuple[str, int] | Response
PAGE_POLICY = html_policy(image_sources=("https:",))


@public.after_request
def _private(response: Response) -> Response:
    # A customer's card or voucher: no shared cache, no search engine, no referrer (the URL is
    # the key to the page).
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    if response.mimetype == "text/html":
        # A reward's picture is where the merchant keeps it (image_url, https only).
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    return response


@public.context_processor
def _clock() -> dict[str, Any]:
    # The live strip of a voucher page starts from the server's time; its script keeps it going.
    return {"now": utcnow()}


def not_found_page() -> tuple[str, int]:
    """The one answer to an unknown, forged, expired-and-purged or foreign token."""
    return render_template("public/not_found.html"), 404


@public.errorhandler(NotFound)
def _not_found(_exc: NotFound) -> tuple[str, int]:
    return not_found_page()


@public.errorhandler(CSRFError)
def _csrf_refused(_exc: CSRFError) -> tuple[str, int]:
    message = _("This page has expired. Go back, reload it and try again.")
    return render_template("public/message.html", message=message), 400


@public.errorhandler(RateLimitExceeded)
def _too_many(exc: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    seconds = max(1, int(exc.limit.limit.get_expiry()))
    message = _("Too many tries. Wait a minute, then try again.")
    return (
        render_template("public/message.html", message=message),
        429,
        {"Retry-After": str(seconds)},
    )


@public.errorhandler(DomainError)
def _refused(exc: DomainError) -> tuple[str, int]:
    if exc.code == "not_found":  # a lookup by token or id: the same plain page as any 404
        return not_found_page()
    return render_template("public/message.html", message=exc.detail), STATUSES.get(exc.code, 400)
