"""The lottery page (``/c/<token>/spins/<spin id>``): the customer plays a pending spin of their
card. The outcome is drawn on the server when the form is posted; the page's animation only
reveals what was drawn."""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.customer_view.service import play_card_spin, spin_view
from gateway.web.i18n import show_times_in
from gateway.web.public.blueprint import Page, public
from gateway.web.public.words import outcome_words

REVEAL = "reveal_spin"  # the session key of the spin just played, whose outcome is revealed once


@public.get("/c/<token>/spins/<spin_id>")
def lottery_page(token: str, spin_id: str) -> Page:
    """A spin to play, or the outcome of one played."""
    view = spin_view(request_session(), token, spin_id)
    show_times_in(view.merchant.timezone)
    outcome = view.spin.outcome
    return render_template(
        "public/lottery.html",
        token=token,
        view=view,
        merchant_name=view.merchant.name,
        outcome=outcome,
        words=outcome_words(outcome) if outcome else None,
        reveal=session.pop(REVEAL, None) == view.spin.id,
    )


@public.post("/c/<token>/spins/<spin_id>")
def lottery_play(token: str, spin_id: str) -> Response:
    """Play the spin; a spin played before (another tab, a second tap) just shows its outcome."""
    try:
        result = play_card_spin(request_session(), token, spin_id)
    except DomainError as refused:
        if refused.code != "spin_already_played":
            raise
    else:
        session[REVEAL] = result.spin.id
    return redirect(url_for("public.lottery_page", token=token, spin_id=spin_id))
