"""Wallet design routes: a program's pass colours, labels and images."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.wallet.design import service
from gateway.wallet.design.presenters import design_out
from gateway.wallet.design.schemas import DesignIn, DesignOut, DesignPath

wallet_designs = merchant_blueprint(
    "wallet_designs",
    __name__,
    Tag(name="Wallet design", description="How a program's Wallet passes look."),
)
_PATH = "/programs/<program_id>/wallet-design"


@wallet_designs.put(
    _PATH,
    responses={200: DesignOut, **problem_responses("not_found", "wallet_image_invalid")},
)
def save_wallet_design(path: DesignPath, body: DesignIn) -> dict[str, Any]:
    """Set the program's pass colours, labels and images (PNG, size-checked); the passes
    handed out show them from their next update."""
    session = request_session()
    return design_out(service.save_design(session, current_merchant_id(), path.program_id, body))


@wallet_designs.get(_PATH, responses={200: DesignOut, **problem_responses("not_found")})
def get_wallet_design(path: DesignPath) -> dict[str, Any]:
    """The program's Wallet design (``not_found`` while it has the default)."""
    session = request_session()
    return design_out(service.get_design(session, current_merchant_id(), path.program_id))
