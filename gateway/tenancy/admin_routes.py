"""Admin API: merchant provisioning."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import admin_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.db import request_session
from gateway.tenancy import service
from gateway.tenancy.schemas import MerchantCreate, MerchantCreated, MerchantOut, MerchantPath

admin = admin_blueprint("admin", __name__, Tag(name="Admin", description="Operator routes."))


@admin.post("/merchants", responses={201: MerchantCreated})
def create_merchant(body: MerchantCreate) -> tuple[dict[str, Any], int]:
    """Create a merchant and its first API key (shown once)."""
    merchant, issued = service.create_merchant(
        request_session(), name=body.name, currency=body.currency, timezone=body.timezone
    )
    out = MerchantOut.model_validate(merchant)
    return MerchantCreated(**out.model_dump(), api_key=issued.plaintext).model_dump(
        mode="json"
    ), 201


@admin.get("/merchants/<merchant_id>", responses={200: MerchantOut, **problem_responses(404)})
def get_merchant(path: MerchantPath) -> dict[str, Any]:
    """Read a merchant."""
    merchant = service.get_merchant(request_session(), path.merchant_id)
    return MerchantOut.model_validate(merchant).model_dump(mode="json")
