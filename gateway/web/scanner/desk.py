"""The staff screen: find a card or voucher (typed, scanned or by customer), add stamps,
redeem, and play a pending spin."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.cards import service as cards
from gateway.loyalty.cards.presenters import card_out
from gateway.loyalty.cards.schemas import CardQuery, StampsAdd
from gateway.loyalty.codes import scanner as desk
from gateway.loyalty.lottery.service import PlayedBy, play_spin
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.loyalty.vouchers.service import get_voucher
from gateway.web.forms import FormErrors
from gateway.web.scanner.auth import seat_page, signed_in, where
from gateway.web.scanner.blueprint import Page, scanner
from gateway.web.scanner.language import _, ngettext
from gateway.web.scanner.presenters import card_screen, used_at


@scanner.get("/")
@seat_page("scanner", "kiosk")
def home() -> Page:
    """The seat's screen: the staff desk, or the customer-facing kiosk."""
    if signed_in().mode == "kiosk":
        return render_template("scanner/kiosk.html")
    return render_template("scanner/home.html", q="", errors=FormErrors())


@scanner.post("/lookup")
@seat_page()
def lookup() -> Page:
    """Open what a typed or scanned text names: a card, or a voucher (refusals recorded)."""
    text = request.form.get("q", "").strip()
    if not text:
        errors = FormErrors(fields={"q": _("Type or scan a card number or voucher code.")})
        return render_template("scanner/home.html", q=text, errors=errors), 422
    seat = signed_in()
    found = desk.look_up(request_session(), seat.merchant_id, text, where(seat))
    if found.card_number is not None:
        return redirect(url_for("scanner.card", number=found.card_number))
    if found.voucher is not None:
        return redirect(url_for("scanner.voucher", voucher_id=found.voucher.id))
    message = _("No card or voucher of this business matches this.")
    if found.reason == "customer_required":
        message = _("Several customers have this code: open the customer's card first.")
    errors = FormErrors(fields={"q": message})
    return render_template("scanner/home.html", q=text, errors=errors), 404


@scanner.get("/cards/<number>")
@seat_page()
def card(number: str) -> Page:
    """A card: progress, Add stamp, its vouchers to redeem, its spins to play."""
    screen = card_screen(request_session(), signed_in().merchant_id, number)
    return render_template("scanner/card.html", errors=FormErrors(), **screen)


@scanner.post("/cards/<number>/stamps")
@seat_page()
def add_stamp(number: str) -> Page:
    """Add stamps to the card (channel ``staff``, at the seat's location)."""
    seat = signed_in()
    session = request_session()
    try:
        body = StampsAdd.model_validate(
            {
                "count": request.form.get("count", "1").strip() or "1",
                "channel": "staff",
                "location": seat.location,
                "staff": seat.id,
            }
        )
        result = cards.stamp_card(session, seat.merchant_id, number, body)
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.code in ("not_found", "invalid_card_number"):
            raise
        screen = card_screen(session, seat.merchant_id, number)
        errors = FormErrors(fields={"count": _("Type a number of stamps from 1 to 100.")})
        return render_template("scanner/card.html", errors=errors, **screen), 422
    flash(ngettext("%(num)d stamp added.", "%(num)d stamps added.", body.count))
    if result.granted:
        flash(_("Reward reached: see the vouchers and spins below."))
    return redirect(url_for("scanner.card", number=result.card.number))


@scanner.get("/vouchers/<voucher_id>")
@seat_page()
def voucher(voucher_id: str) -> Page:
    """A voucher: reward, status, validity; Redeem while active, else refused in red."""
    return _voucher_page(voucher_id, None, 200)


def _voucher_page(voucher_id: str, refusal: str | None, status: int) -> tuple[str, int]:
    session = request_session()
    found = get_voucher(session, signed_in().merchant_id, voucher_id)
    page = render_template(
        "scanner/voucher.html",
        voucher=voucher_view(session, found),
        valid_until=found.valid_until,
        used=used_at(session, found),
        refusal=refusal,
    )
    return page, status


@scanner.post("/vouchers/<voucher_id>/redeem")
@seat_page()
def redeem(voucher_id: str) -> Page:
    """Redeem the voucher at this seat (channel ``staff``); a refusal shows in red."""
    seat = signed_in()
    try:
        desk.redeem_at_seat(request_session(), seat.merchant_id, voucher_id, where(seat))
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return _voucher_page(voucher_id, refusal_text(exc.code), 409)
    flash(_("Redeemed. Give the customer the reward."))
    return redirect(url_for("scanner.voucher", voucher_id=voucher_id))


def refusal_text(code: str) -> str:
    """Why a voucher cannot be redeemed, in the page's language."""
    texts = {
        "already_redeemed": _("The voucher was already redeemed."),
        "expired": _("The voucher has expired."),
        "voided": _("The voucher was voided."),
        "not_active": _("The voucher has not been given to a card yet."),
        "held": _("Another till holds the voucher right now; try again in a minute."),
    }
    return texts.get(code, _("The voucher cannot be redeemed now."))


@scanner.get("/search")
@seat_page()
def search() -> Page:
    """Find a customer's cards by phone number or e-mail."""
    text = request.args.get("q", "").strip()
    if not text:
        return render_template("scanner/search.html", q="", found=None, errors=FormErrors())
    session = request_session()
    try:
        query = CardQuery.model_validate({"email" if "@" in text else "phone": text})
        found = cards.find_cards(session, signed_in().merchant_id, query).items
    except (ValidationError, DomainError):
        message = _("Type a phone number (e.g. +380501234567) or an e-mail address.")
        errors = FormErrors(fields={"q": message})
        return render_template("scanner/search.html", q=text, found=None, errors=errors), 422
    shown = [card_out(session, found_card) for found_card in found]
    return render_template("scanner/search.html", q=text, found=shown, errors=FormErrors())


@scanner.post("/spins/<spin_id>/play")
@seat_page()
def play(spin_id: str) -> Page:
    """The customer taps Play: the server draws, the screen shows what came out."""
    seat = signed_in()
    played_by = PlayedBy(channel="staff", location=seat.location, staff=seat.id)
    session = request_session()
    result = play_spin(session, seat.merchant_id, spin_id, played_by)
    prize = voucher_view(session, result.voucher) if result.voucher is not None else None
    return render_template("scanner/played.html", result=result, prize=prize)
