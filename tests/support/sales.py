"""Sale bodies and calls used across tests."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api


def sale_body(transaction_id: str, **changes: Any) -> dict[str, Any]:
    """A one-line sale of 5.00 EUR for the customer +380501111111."""
    body: dict[str, Any] = {
        "source": "api",
        "transaction_id": transaction_id,
        "location": "main",
        "closed_at": "2026-11-22T10:00:00Z",
        "currency": "EUR",
        "total": 500,
        "customer": {"phone": "+380501111111"},
        "lines": [
            {"product": "12", "category": "3", "name": "Latte", "quantity": 1, "amount": 500}
        ],
        "promo_codes": [],
    }
    return {**body, **changes}


def post_sale(api: Api, merchant: dict[str, Any], body: dict[str, Any]) -> Any:
    """POST /v1/sales."""
    return api.call("POST", "/v1/sales", merchant["api_key"], json=body)
