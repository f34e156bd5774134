"""Vouchers: the list with status and card filters, a voucher with its code as text, QR and
barcode, voiding, and the one-time goodwill voucher."""

from __future__ import annotations

import hashlib

from flask import Response, flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from sqlalchemy.orm import Session

from connectors.connections.service import get_connection
from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.vouchers import redeeming as redemptions
from gateway.loyalty.vouchers import service
from gateway.loyalty.vouchers.images import RENDERERS
from gateway.loyalty.vouchers.presenters import voucher_view
from gateway.loyalty.vouchers.schemas import GoodwillVoucher, Status, VoucherQuery
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.catalog_choices import POS_NAMES
from gateway.web.console.program_form import field_of, reward_from_form
from gateway.web.console.programs import pool_options
from gateway.web.forms import FormErrors, validation_errors

STATUSES: tuple[Status, ...] = ("issued", "active", "redeemed", "expired", "voided")
PICTURES = ("qr.svg", "barcode.svg")


@console.get("/vouchers")
@console_page()
def vouchers() -> Page:
    """Vouchers, newest first, by status and card."""
    filters = {name: request.args.get(name, "").strip() or None for name in ("status", "card")}
    errors = FormErrors()
    items = []
    try:
        query = VoucherQuery.model_validate({**filters, "limit": 100})
        session = request_session()
        page = service.list_vouchers(session, logged_in_user().merchant_id, query)
        items = [voucher_view(session, voucher) for voucher in page.items]
    except ValidationError as exc:
        errors = validation_errors(exc, field_of, known=None)
    except DomainError as exc:
        errors.fields["card"] = exc.detail
    page_html = render_template(
        "console/vouchers.html", vouchers=items, filters=filters, statuses=STATUSES, errors=errors
    )
    return page_html, 422 if errors else 200


@console.get("/vouchers/<voucher_id>")
@console_page()
def vouchers_show(voucher_id: str) -> Page:
    """One voucher: its code, pictures and lifecycle."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    voucher = service.get_voucher(session, merchant_id, voucher_id)
    return render_template(
        "console/voucher.html",
        voucher=voucher_view(session, voucher),
        redeemed=_redeemed_where(session, merchant_id, voucher.redemption_id),
    )


def _redeemed_where(
    session: Session, merchant_id: str, redemption_id: str | None
) -> dict[str, str | None] | None:
    """Where the voucher was redeemed: the channel, the location, and for a POS sale which
    POS and connection sent it (a merchant may have several)."""
    if redemption_id is None:
        return None
    redemption = redemptions.get_redemption(session, merchant_id, redemption_id)
    where: dict[str, str | None] = {
        "channel": redemption.channel,
        "location": redemption.location,
        "pos": None,
        "account": None,
        "connection_id": redemption.connection_id,
        "sale_id": redemption.sale_id,
    }
    if redemption.connection_id is not None:
        connection = get_connection(session, merchant_id, redemption.connection_id)
        where["pos"], where["account"] = POS_NAMES.get(connection.pos), connection.account
    return where


@console.get("/vouchers/<voucher_id>/<any('qr.svg', 'barcode.svg'):picture>")
@console_page()
def vouchers_picture(voucher_id: str, picture: str) -> Response:
    """The voucher's code as a picture for the page (or for printing)."""
    text = service.scan_text(request_session(), logged_in_user().merchant_id, voucher_id)
    render, content_type = RENDERERS[picture]
    try:
        body = render(text)
    except DomainError:  # a code Code 128 cannot carry: the page shows the QR code alone
        return Response(status=404)
    response = Response(body, content_type=content_type)
    response.set_etag(hashlib.sha256(f"{picture}\n{text}".encode()).hexdigest())
    response.make_conditional(request)
    return response


@console.post("/vouchers/<voucher_id>/void")
@console_page()
def vouchers_void(voucher_id: str) -> Page:
    """Cancel a voucher; refused with the reason when it is already redeemed or over."""
    try:
        service.void_voucher(request_session(), logged_in_user().merchant_id, voucher_id)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        flash(f"Not voided: {exc.detail}")
    else:
        flash("The voucher is voided.")
    return redirect(url_for("console.vouchers_show", voucher_id=voucher_id))


@console.get("/vouchers/new")
@console_page()
def vouchers_new() -> Page:
    """The goodwill voucher form."""
    values = {"reward-type": "voucher", "reward-redemption": "staff", "reason": "goodwill"}
    return _issue_page(values, FormErrors())


@console.post("/vouchers/new")
@console_page()
def vouchers_issue() -> Page:
    """Issue a one-time voucher, to a card or to hand out."""
    values = dict(request.form.items())
    body = {
        "reward": {**reward_from_form(values, "reward"), "type": "voucher"},
        "card_number": values.get("card_number", "").strip() or None,
        "reason": values.get("reason", "").strip() or "goodwill",
    }
    try:
        parsed = GoodwillVoucher.model_validate(body)
        voucher = service.issue_goodwill(request_session(), logged_in_user().merchant_id, parsed)
    except ValidationError as exc:
        return _issue_page(values, validation_errors(exc, field_of, known=None), 422)
    except DomainError as exc:
        field = "card_number" if exc.code == "not_found" else ""
        errors = (
            FormErrors(fields={field: exc.detail}) if field else FormErrors(general=[exc.detail])
        )
        return _issue_page(values, errors, 422)
    flash("The voucher is issued.")
    return redirect(url_for("console.vouchers_show", voucher_id=voucher.id))


def _issue_page(values: dict[str, str], errors: FormErrors, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "console/voucher_new.html", values=values, errors=errors, pools_options=pool_options()
    )
    return page, status
