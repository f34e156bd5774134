"""The staff scanner and kiosk: one module per screen, registered on one blueprint."""

from __future__ import annotations

from gateway.web.scanner import auto as auto
from gateway.web.scanner import desk as desk
from gateway.web.scanner import login as login
from gateway.web.scanner.blueprint import scanner

# Importing a screen module registers its views on the blueprint.
SCREENS = (auto, desk, login)
__all__ = ["SCREENS", "scanner"]
