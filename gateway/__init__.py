"""stampgate: the POS-to-loyalty gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: submodules (settings, models) must load without the whole app,
    # which imports the connectors, which import those submodules.
    if name == "create_app":
        from gateway.app import create_app

        return create_app
    raise AttributeError(name)
