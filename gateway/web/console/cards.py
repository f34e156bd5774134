"""Cards: search by number, phone or e-mail; a card's progress, vouchers, spins and journal;
stamps added by hand with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.cards import service
from gateway.loyalty.cards.numbers import is_valid_card_number, normalize_card_number
from gateway.loyalty.cards.presenters import card_out
from gateway.loyalty.cards.schemas import CardQuery, StampsAdd
from gateway.loyalty.lottery.service import list_spins
from gateway.loyalty.programs.service import get_program
from gateway.loyalty.vouchers.issuing import Granted
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.loyalty.vouchers.schemas import VoucherQuery
from gateway.loyalty.vouchers.service import list_vouchers
from gateway.pagination import PageQuery
from gateway.wallet.apple.directory import has_apple_wallet
from gateway.wallet.apple.outcomes import pass_outcomes
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

STAMP_FIELDS = ("count", "reason")
SHOWN = 20


@console.get("/cards")
@console_page()
def cards() -> Page:
    """Find a customer's card."""
    query = request.args.get("q", "").strip()
    if not query:
        return render_template("console/cards.html", q="", found=None, errors=FormErrors())
    if "@" not in query and is_valid_card_number(normalize_card_number(query)):
        return redirect(url_for("console.cards_show", number=normalize_card_number(query)))
    session = request_session()
    try:
        lookup = CardQuery.model_validate({"email" if "@" in query else "phone": query})
        found = service.find_cards(session, logged_in_user().merchant_id, lookup).items
    except (ValidationError, DomainError) as exc:
        errors = errors_of(exc, ("q",))
        message = errors.general[0].split(": ", 1)[-1] if errors.general else "Not found."
        page = render_template(
            "console/cards.html", q=query, found=None, errors=FormErrors(fields={"q": message})
        )
        return page, 422
    shown = [card_out(session, card) for card in found]
    return render_template("console/cards.html", q=query, found=shown, errors=FormErrors())


@console.get("/cards/<number>")
@console_page()
def cards_show(number: str) -> Page:
    """One card: progress, vouchers, spins and the latest of its journal."""
    return _card_page(number, FormErrors())


def _card_page(number: str, errors: FormErrors, status: int = 200) -> tuple[str, int]:
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    card = service.get_card(session, merchant_id, number)
    vouchers = list_vouchers(
        session, merchant_id, VoucherQuery(card=card.number, limit=SHOWN)
    ).items
    page = render_template(
        "console/card.html",
        card=card_out(session, card),
        program=get_program(session, merchant_id, card.program_id),
        vouchers=[voucher_view(session, voucher) for voucher in vouchers],
        spins=list_spins(session, merchant_id, card.number, None, PageQuery(limit=SHOWN)).items,
        journal=service.card_journal(
            session, merchant_id, card.number, PageQuery(limit=SHOWN)
        ).items,
        apple_pass=pass_outcomes(session, merchant_id, card.id)
        if has_apple_wallet(session, merchant_id)
        else None,
        errors=errors,
    )
    return page, status


@console.post("/cards/<number>/stamps")
@console_page()
def cards_stamp(number: str) -> Page:
    """Add stamps by hand (the reason goes to the audit log)."""
    user = logged_in_user()
    try:
        body = StampsAdd.model_validate(
            {
                "count": request.form.get("count", "").strip(),
                "channel": "staff",
                "staff": (user.email or user.id)[:128],
                "reason": request.form.get("reason", "").strip() or None,
            }
        )
        result = service.stamp_card(request_session(), user.merchant_id, number, body)
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.code == "not_found":
            raise
        return _card_page(number, errors_of(exc, STAMP_FIELDS), 422)
    flash(f"Added {body.count} stamp(s): the card has {result.card.stamps} now.")
    for granted in result.granted:
        flash(f"Reward given: {_described(granted)}.")
    return redirect(url_for("console.cards_show", number=result.card.number))


def _described(granted: Granted) -> str:
    if granted.voucher is not None:
        return f"a voucher, {granted.voucher.description}"
    if granted.award is not None:
        return f"an award, {granted.award.get('description', '')}"
    return "a lottery spin"
