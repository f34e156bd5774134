"""**Add to Apple Wallet**: the signed ``.pkpass`` of a card (``/c/<token>/pass.pkpass``) and
of a voucher (``/v/<token>/pass.pkpass``); without the merchant's credentials, a plain 404."""

from __future__ import annotations

from flask import Response

from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.loyalty.customer_view.service import card_by_token, voucher_view
from gateway.wallet.apple.package import CONTENT_TYPE
from gateway.wallet.apple.passes import PassFile, card_pkpass, voucher_pkpass
from gateway.web.public.blueprint import public


def pass_response(signed: PassFile) -> Response:
    """A pass as Wallet downloads it."""
    response = Response(signed.content, mimetype=CONTENT_TYPE)
    response.last_modified = signed.last_modified
    return response


@public.get("/c/<token>/pass.pkpass")
def card_apple_pass(token: str) -> Response:
    """The card as an Apple Wallet store card."""
    session = request_session()
    return pass_response(card_pkpass(session, extensions().settings, card_by_token(session, token)))


@public.get("/v/<token>/pass.pkpass")
def voucher_apple_pass(token: str) -> Response:
    """The voucher as an Apple Wallet pass."""
    session = request_session()
    voucher = voucher_view(session, token).voucher
    return pass_response(voucher_pkpass(session, extensions().settings, voucher))
