"""The card page (``/c/<token>``): progress, the next reward, vouchers, spins, history."""

from __future__ import annotations

from flask import Response, render_template, session
from markupsafe import Markup

from gateway.api.session import request_session
from gateway.campaigns.mail import linked_html
from gateway.campaigns.news import latest_news
from gateway.loyalty.customer_view.service import card_by_token, card_overview
from gateway.wallet.apple.directory import has_apple_wallet
from gateway.web.i18n import show_times_in
from gateway.web.public.blueprint import Page, public
from gateway.web.public.pictures import picture
from gateway.web.public.words import history_line, next_reward_hint

CARD_TOKEN = "card_token"  # noqa: S105 - the session key, not a secret
"""Where the session keeps the card last opened (the receipt-claim page offers to add to it)."""


@public.get("/c/<token>")
def card_page(token: str) -> Page:
    """The customer's card."""
    db = request_session()
    overview = card_overview(db, token)
    news = latest_news(db, overview.card.id)
    show_times_in(overview.merchant.timezone)
    session[CARD_TOKEN] = token
    return render_template(
        "public/card.html",
        token=token,
        overview=overview,
        apple_wallet=has_apple_wallet(request_session(), overview.card.merchant_id),
        merchant_name=overview.merchant.name,
        hint=next_reward_hint(overview.next_reward),
        history=[(item.at, history_line(item)) for item in overview.history],
        news=None if news is None else Markup(linked_html(news)),  # noqa: S704 - escaped
    )


@public.get("/c/<token>/qr.svg")
def card_qr(token: str) -> Response:
    """The card's number as a QR code, for the staff scanner."""
    return picture(card_by_token(request_session(), token).number, "qr.svg")
