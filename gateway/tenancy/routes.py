"""Merchant routes (the key's merchant, its API keys) and the operator's admin routes."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import admin_blueprint, current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.pagination import PageQuery
from gateway.tenancy import service
from gateway.tenancy.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    ApiKeyPage,
    ApiKeyPath,
    MerchantCreate,
    MerchantCreated,
    MerchantOut,
    MerchantPath,
    MerchantUpdate,
)

v1 = merchant_blueprint(
    "keys", __name__, Tag(name="Merchant", description="The key's merchant and its API keys.")
)


@v1.get("/merchant", responses={200: MerchantOut})
def read_own_merchant() -> dict[str, Any]:
    """The merchant this API key belongs to."""
    merchant = service.get_merchant(request_session(), current_merchant_id())
    return MerchantOut.model_validate(merchant).model_dump(mode="json")


@v1.patch("/merchant", responses={200: MerchantOut})
def update_own_merchant(body: MerchantUpdate) -> dict[str, Any]:
    """Change the merchant's name, time zone or ``country`` (how national phones are read)."""
    changes = body.model_dump(include=body.model_fields_set)
    merchant = service.update_merchant(request_session(), current_merchant_id(), changes)
    return MerchantOut.model_validate(merchant).model_dump(mode="json")


@v1.post("/api-keys", responses={201: ApiKeyCreated})
def create_api_key(body: ApiKeyCreate) -> tuple[dict[str, Any], int]:
    """Issue another API key for this merchant (shown once)."""
    issued = service.create_api_key(request_session(), current_merchant_id(), body.label)
    created = ApiKeyCreated(
        id=issued.key.id,
        api_key=issued.plaintext,
        label=issued.key.label,
        created_at=issued.key.created_at,
    )
    return created.model_dump(mode="json"), 201


@v1.get("/api-keys", responses={200: ApiKeyPage})
def list_api_keys(query: PageQuery) -> dict[str, Any]:
    """This merchant's keys, newest first, without their secrets."""
    page = service.list_api_keys(request_session(), current_merchant_id(), query)
    items = [ApiKeyOut.model_validate(key) for key in page.items]
    return ApiKeyPage(items=items, next_cursor=page.next_cursor).model_dump(mode="json")


@v1.delete("/api-keys/<key_id>", responses={200: ApiKeyOut, **problem_responses("not_found")})
def revoke_api_key(path: ApiKeyPath) -> dict[str, Any]:
    """Revoke a key: requests with it answer 401 from now on.

    Every server process refuses it within a second: each keeps the keys it authenticated
    for that long."""
    key = service.revoke_api_key(request_session(), current_merchant_id(), path.key_id)
    return ApiKeyOut.model_validate(key).model_dump(mode="json")


admin = admin_blueprint("admin", __name__, Tag(name="Admin", description="Operator routes."))


@admin.post("/merchants", responses={201: MerchantCreated})
def create_merchant(body: MerchantCreate) -> tuple[dict[str, Any], int]:
    """Create a merchant and its first API key (shown once)."""
    merchant, issued = service.create_merchant(
        request_session(),
        name=body.name,
        currency=body.currency,
        timezone=body.timezone,
        country=body.country,
    )
    out = MerchantOut.model_validate(merchant)
    return MerchantCreated(**out.model_dump(), api_key=issued.plaintext).model_dump(
        mode="json"
    ), 201


@admin.get(
    "/merchants/<merchant_id>", responses={200: MerchantOut, **problem_responses("not_found")}
)
def get_merchant(path: MerchantPath) -> dict[str, Any]:
    """Read a merchant."""
    merchant = service.get_merchant(request_session(), path.merchant_id)
    return MerchantOut.model_validate(merchant).model_dump(mode="json")
