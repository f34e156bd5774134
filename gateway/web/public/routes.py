"""The customer's pages: one module per page, registered on one blueprint."""

from __future__ import annotations

from gateway.web.public import card as card
from gateway.web.public import claims as claims
from gateway.web.public import google_wallet as google_wallet
from gateway.web.public import lottery as lottery
from gateway.web.public import unsubscribe as unsubscribe
from gateway.web.public import voucher as voucher
from gateway.web.public import wallet as wallet
from gateway.web.public.blueprint import public

# Importing a page module registers its views on the blueprint; list each one here.
PAGES: tuple[object, ...] = (card, claims, google_wallet, lottery, unsubscribe, voucher, wallet)
__all__ = ["PAGES", "public"]
