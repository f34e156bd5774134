"""The voucher page (``/v/<token>``): what it gives, its code as text, QR code and barcode, its
validity; a self-redeem voucher is used here after a confirm step (channel ``self``)."""

from __future__ import annotations

from flask import Response, redirect, render_template, url_for

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.customer_view.service import VoucherView, use_voucher, voucher_view
from gateway.loyalty.vouchers.images import can_barcode
from gateway.wallet.apple.directory import has_apple_wallet
from gateway.web.i18n import show_times_in
from gateway.web.public.blueprint import Page, public
from gateway.web.public.pictures import picture as drawn
from gateway.web.public.words import refusal, status_word


def _scan_text(view: VoucherView) -> str:
    # What a till or the staff scanner reads: the code, or the voucher id while it has none.
    return view.voucher.code or view.voucher.id


def _page(token: str, view: VoucherView, template: str, error: str | None = None) -> str:
    show_times_in(view.merchant.timezone)
    voucher = view.voucher
    return render_template(
        template,
        token=token,
        voucher=voucher,
        merchant_name=view.merchant.name,
        timezone=view.merchant.timezone,
        status=status_word(voucher.status),
        usable=voucher.status == "active",
        self_redeem=voucher.redemption == "self",
        barcode=can_barcode(_scan_text(view)),
        card_token=view.card.customer_token if view.card else None,
        apple_wallet=has_apple_wallet(request_session(), voucher.merchant_id),
        error=error,
    )


@public.get("/v/<token>")
def voucher_page(token: str) -> Page:
    """The customer's voucher."""
    return _page(token, voucher_view(request_session(), token), "public/voucher.html")


@public.get("/v/<token>/use")
def voucher_confirm(token: str) -> Page:
    """Use now, step two: the customer confirms in front of staff."""
    view = voucher_view(request_session(), token)
    if view.voucher.redemption != "self" or view.voucher.status != "active":
        return redirect(url_for("public.voucher_page", token=token))
    return _page(token, view, "public/voucher_use.html")


@public.post("/v/<token>/use")
def voucher_use(token: str) -> Page:
    """Redeem the voucher (once: a second try is refused and shown)."""
    session = request_session()
    try:
        use_voucher(session, token)
    except DomainError as refused:
        if refused.code == "not_found":
            raise
        page = _page(
            token, voucher_view(session, token), "public/voucher.html", refusal(refused.code)
        )
        return page, 409
    return redirect(url_for("public.voucher_page", token=token))


@public.get("/v/<token>/<any(qr.svg, barcode.svg):picture>")
def voucher_picture(token: str, picture: str) -> Response:
    """The voucher's code as a QR code or Code 128 barcode (SVG)."""
    return drawn(_scan_text(voucher_view(request_session(), token)), picture)
