"""The POS webhook doors, one blueprint per POS. They answer without an API key (each POS is
verified its own way) and share one set of rate limits (``gateway/api/limits.py``)."""

from __future__ import annotations

from flask_openapi3.blueprint import APIBlueprint

from connectors.poster.routes import poster_hooks
from connectors.serve.routes import serve_hooks

HOOK_BLUEPRINTS: tuple[APIBlueprint, ...] = (poster_hooks, serve_hooks)
"""Every POS's webhook blueprint."""
