"""The receipt claim page (``/claim/<token>``): what the receipt or insert is worth, and its
stamps for the customer's phone number or for the card this browser holds, once.

After a claim by phone the page says how many stamps went to the card of that number and no
more: whoever types a number must not learn whether it had a card, or what is on it. The card
this browser opened (``session["card_token"]``) is the customer's own: its progress and page
are shown, and a lottery spin the claim earned is played on the spot.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, session
from flask_babel import gettext as _

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.loyalty.claims import service
from gateway.loyalty.claims.issuing import claim_url
from gateway.loyalty.claims.service import ClaimOffer, ClaimOutcome, ClaimRefusedError
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.vouchers.images import qr_png
from gateway.web.forms import FormErrors, errors_of
from gateway.web.i18n import show_times_in
from gateway.web.public.blueprint import Page, not_found_page, public

CARD_TOKEN = "card_token"  # noqa: S105 - the session key the card page sets, not a secret
CARD_PAGE, SPINS = "/c/", "/spins/"
REFUSAL_STATUS = {"expired": 410}


@public.get("/claim/<token>")
def claim_page(token: str) -> Page:
    """What the link is worth and how to claim it; a used, expired or refunded one refused."""
    try:
        offered = service.offer(request_session(), token)
    except DomainError as exc:
        return _unknown(exc)
    if offered.refusal is not None:
        return _refused_page(offered.refusal, offered.merchant.name)
    return _offer_page(offered, FormErrors(), "")


@public.post("/claim/<token>")
def claim_with_phone(token: str) -> Page:
    """Claim for the card of the phone number given (made if the number has none)."""
    phone = request.form.get("phone", "")
    db = request_session()
    try:
        outcome = service.claim_with_phone(db, token, phone)
    except ClaimRefusedError as refused:
        return _refused_page(refused.reason, _merchant_name(token))
    except DomainError as exc:
        if exc.code == "not_found":
            return not_found_page()
        offered = service.offer(db, token)
        if offered.refusal is not None:
            return _refused_page(offered.refusal, offered.merchant.name)
        return _offer_page(offered, errors_of(exc, ("phone",)), phone, 422)
    return _done_page(outcome, own_card=False)


@public.post("/claim/<token>/card")
def claim_to_card(token: str) -> Page:
    """Claim for the card this browser holds; a spin it earned is played at once."""
    db = request_session()
    try:
        offered = service.offer(db, token)
    except DomainError as exc:
        return _unknown(exc)
    if offered.refusal is not None:
        return _refused_page(offered.refusal, offered.merchant.name)
    card = _held_card(offered)
    if card is None:  # the card page was not opened here (or for another merchant)
        return _offer_page(offered, FormErrors(), "")
    try:
        outcome = service.claim_to_card(db, token, card)
    except ClaimRefusedError as refused:
        return _refused_page(refused.reason, offered.merchant.name)
    if outcome.spin is not None:
        return redirect(f"{CARD_PAGE}{session[CARD_TOKEN]}{SPINS}{outcome.spin.id}", 303)
    return _done_page(outcome, own_card=True)


@public.get("/claim/<token>/qr.png")
def claim_qr(token: str) -> Response | Page:
    """The link as a QR code, to print on the receipt or the insert."""
    try:
        claim = service.find_claim(request_session(), token)
    except DomainError as exc:
        return _unknown(exc)
    link = claim_url(extensions().settings.public_url, claim.token)
    return Response(qr_png(link), mimetype="image/png")


def _unknown(exc: DomainError) -> Page:
    if exc.code != "not_found":
        raise exc
    return not_found_page()


def _held_card(offered: ClaimOffer) -> str | None:
    """The id of the card this browser holds, when it is of the link's program."""
    token = session.get(CARD_TOKEN)
    if not isinstance(token, str):
        return None
    card = service.card_of_customer_token(request_session(), offered.merchant.id, token)
    if card is None or card.program_id != offered.program.id:
        return None
    return card.id


def _offer_page(offered: ClaimOffer, errors: FormErrors, phone: str, status: int = 200) -> Page:
    show_times_in(offered.merchant.timezone)
    page = render_template(
        "public/claim.html",
        offered=offered,
        token=offered.claim.token,
        holds_card=_held_card(offered) is not None,
        errors=errors,
        phone=phone,
        merchant_name=offered.merchant.name,
    )
    return page, status


def _done_page(outcome: ClaimOutcome, own_card: bool) -> Page:
    card = outcome.card
    card_token = session.get(CARD_TOKEN) if own_card else None
    return render_template(
        "public/claim_done.html",
        outcome=outcome,
        own_card=own_card,
        goal=mechanics_of(outcome.program).stamps_goal,
        phone_end=(card.phone or "")[-2:],
        card_link=f"{CARD_PAGE}{card_token}" if card_token else None,
        merchant_name=_merchant_name_of(outcome.claim.merchant_id),
    )


def _refused_page(reason: str, merchant_name: str) -> Page:
    messages = {
        "already_claimed": _(
            "This link has already been used: each receipt or insert gives its stamps once."
        ),
        "expired": _("This link has expired: it could be used for a limited time only."),
        "refunded": _("This purchase was refunded, so it gives no stamps."),
        "other_program": _(
            "Your card is not part of this program. Enter your phone number instead."
        ),
    }
    page = render_template(
        "public/message.html", message=messages[reason], merchant_name=merchant_name
    )
    return page, REFUSAL_STATUS.get(reason, 409)


def _merchant_name(token: str) -> str:
    claim = service.find_claim(request_session(), token)
    return _merchant_name_of(claim.merchant_id)


def _merchant_name_of(merchant_id: str) -> str:
    return service.merchant_of(request_session(), merchant_id).name
