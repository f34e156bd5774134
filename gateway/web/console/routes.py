"""The merchant's console: one module per page, registered on one blueprint."""

from __future__ import annotations

from gateway.web.console import cards, dashboard, keys, login, programs, team, vouchers, webhooks
from gateway.web.console.blueprint import console

PAGES = (
    cards,
    dashboard,
    keys,
    login,
    programs,
    team,
    vouchers,
    webhooks,
)  # importing a page module registers its views
__all__ = ["PAGES", "console"]
