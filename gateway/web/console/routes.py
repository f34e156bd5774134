"""The merchant's console: one module per page, registered on one blueprint."""

from __future__ import annotations

from gateway.web.console import dashboard, keys, login, programs, team, webhooks
from gateway.web.console.blueprint import console

PAGES = (dashboard, keys, login, programs, team, webhooks)  # importing a module registers it
__all__ = ["PAGES", "console"]
