"""The Save to Google Wallet button of the card and voucher pages (``google_save_url`` in
their templates: the signed link, or None while the merchant has no Google Wallet)."""

from __future__ import annotations

from typing import Any

from gateway.api.session import request_session
from gateway.loyalty.cards.models import Card
from gateway.loyalty.vouchers.models import Voucher
from gateway.wallet.google.links import card_save_url, voucher_save_url
from gateway.web.public.blueprint import public


@public.context_processor
def _save_links() -> dict[str, Any]:
    return {"google_save_url": google_save_url}


def google_save_url(subject: Card | Voucher) -> str | None:
    """The Save to Google Wallet link of a card or voucher shown on a page."""
    if isinstance(subject, Card):
        return card_save_url(request_session(), subject)
    return voucher_save_url(request_session(), subject)
