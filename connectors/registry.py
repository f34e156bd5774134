"""The connectors this gateway speaks, by POS name."""

from __future__ import annotations

from connectors.base import Connector
from connectors.poster.connector import PosterConnector
from connectors.serve.connector import ServeConnector
from gateway.config import Settings

POS_NAMES = ("poster", "serve")


def build_connectors(settings: Settings) -> dict[str, Connector]:
    """One connector per POS, each with its own pooled HTTP client."""
    return {"poster": PosterConnector(settings), "serve": ServeConnector(settings)}
