"""The unsubscribe link of a campaign e-mail (``/u/<token>``): a page asking to confirm (a form
with CSRF, for people), and the one-click ``POST /u/<token>/one-click`` of RFC 8058 that mail
providers send without any session (the signed token alone is the authority)."""

from __future__ import annotations

from flask import Response, render_template

from gateway.api.session import request_session
from gateway.campaigns.unsubscribe import unsubscribe, unsubscribing
from gateway.extensions import extensions
from gateway.web.public.blueprint import Page, public


def _page(token: str) -> Page:
    state = unsubscribing(request_session(), extensions().settings.secret_key, token)
    return render_template(
        "public/unsubscribe.html", token=token, state=state, merchant_name=state.merchant_name
    )


@public.get("/u/<token>")
@public.get("/u/<token>/one-click")  # a link checker or a mail app opening it: ask, never act
def unsubscribe_page(token: str) -> Page:
    """Ask the customer to confirm (or say they are unsubscribed already)."""
    return _page(token)


@public.post("/u/<token>")
def unsubscribe_confirmed(token: str) -> Page:
    """The customer confirmed: no more campaign e-mail to their card."""
    unsubscribe(request_session(), extensions().settings.secret_key, token)
    return _page(token)


@public.post("/u/<token>/one-click")
def unsubscribe_one_click(token: str) -> Response:
    """RFC 8058 one-click: the mail provider's POST (``List-Unsubscribe=One-Click``), 200."""
    unsubscribe(request_session(), extensions().settings.secret_key, token)
    return Response("unsubscribed\n", 200, mimetype="text/plain")
