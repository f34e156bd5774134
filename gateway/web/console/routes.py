"""The merchant's console: one module per page, registered on one blueprint."""

from __future__ import annotations

from gateway.web.console import automations as automations
from gateway.web.console import campaigns as campaigns
from gateway.web.console import cards as cards
from gateway.web.console import claim_batches as claim_batches
from gateway.web.console import dashboard as dashboard
from gateway.web.console import google_wallet as google_wallet
from gateway.web.console import keys as keys
from gateway.web.console import login as login
from gateway.web.console import pools as pools
from gateway.web.console import pos as pos
from gateway.web.console import pos_events as pos_events
from gateway.web.console import programs as programs
from gateway.web.console import seats as seats
from gateway.web.console import team as team
from gateway.web.console import vouchers as vouchers
from gateway.web.console import wallet as wallet
from gateway.web.console import wallet_design as wallet_design
from gateway.web.console import webhook_removal as webhook_removal
from gateway.web.console import webhooks as webhooks
from gateway.web.console.blueprint import console

# Importing a page module registers its views on the blueprint.
PAGES = (
    automations,
    campaigns,
    cards,
    claim_batches,
    dashboard,
    google_wallet,
    keys,
    login,
    pools,
    pos,
    pos_events,
    programs,
    seats,
    team,
    vouchers,
    wallet,
    wallet_design,
    webhook_removal,
    webhooks,
)
__all__ = ["PAGES", "console"]
