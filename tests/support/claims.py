"""Unattributed sales and their claim links, used across the claim tests."""

from __future__ import annotations

from typing import Any

from flask import Flask

from gateway.loyalty.claims.service import ClaimOutcome, claim_with_phone
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body

ANONYMOUS: dict[str, Any] = {}


def make_program(api: Api, merchant: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A new 9-stamp program (with changes) of the merchant."""
    created = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card(**changes))
    assert created.status_code == 201, created.get_json()
    body: dict[str, Any] = created.get_json()
    return body


def unattributed_sale(
    api: Api, merchant: dict[str, Any], transaction_id: str = "T-anon", **changes: Any
) -> dict[str, Any]:
    """A sale without a customer (201), as POST /v1/sales answers it."""
    body = sale_body(transaction_id, customer=ANONYMOUS, **changes)
    response = post_sale(api, merchant, body)
    assert response.status_code == 201, response.get_json()
    sale: dict[str, Any] = response.get_json()
    return sale


def token_of(claim_url: str) -> str:
    """The token at the end of a claim link."""
    return claim_url.rsplit("/", 1)[-1]


def claim_by_phone(app: Flask, claim_url: str, phone: str) -> ClaimOutcome:
    """Claim a link for a phone through the service, as the claim page does."""
    with app.extensions["stampgate"].session_factory() as session:
        return claim_with_phone(session, token_of(claim_url), phone)
