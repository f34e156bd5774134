"""stampgate: the POS-to-loyalty gateway."""

from gateway.app import create_app

__all__ = ["create_app"]
