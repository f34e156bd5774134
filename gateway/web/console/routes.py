"""The merchant's console: one module per page, registered on one blueprint."""

from __future__ import annotations

from gateway.web.console import dashboard, keys, login, programs, team
from gateway.web.console.blueprint import console

PAGES = (dashboard, keys, login, programs, team)  # importing a page module registers its views
__all__ = ["PAGES", "console"]
