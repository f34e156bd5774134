"""Vouchers with codes, cards and code pools used by the redeem code tests."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.programs import nine_stamp_card

UNIQUE = {"mode": "unique", "pattern": "PZ-####-####"}


def code_voucher(code: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A voucher reward redeemed by code."""
    reward = {
        "type": "voucher",
        "description": "Free pizza",
        "redemption": "code",
        "code": code,
        "validity": {"kind": "days", "count": 30},
    }
    return {**reward, **changes}


def new_card(api: Api, merchant: dict[str, Any], program_id: str | None = None) -> str:
    """A card (in a new 9-stamp program unless one is given); returns its number."""
    key = merchant["api_key"]
    if program_id is None:
        program_id = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()["id"]
    created = api.call("POST", "/v1/cards", key, json={"program_id": program_id})
    assert created.status_code == 201, created.get_json()
    number: str = created.get_json()["number"]
    return number


def give(
    api: Api, merchant: dict[str, Any], reward: dict[str, Any], card_number: str | None
) -> dict[str, Any]:
    """A goodwill voucher; returns the 201 body."""
    body = {"reward": reward, "card_number": card_number}
    response = api.call("POST", "/v1/vouchers", merchant["api_key"], json=body)
    assert response.status_code == 201, response.get_json()
    voucher: dict[str, Any] = response.get_json()
    return voucher


def post(api: Api, merchant: dict[str, Any], path: str, body: Any = None, **kwargs: Any) -> Any:
    """POST a JSON body with the merchant's key."""
    return api.call("POST", path, merchant["api_key"], json=body, **kwargs)


def new_pool(api: Api, merchant: dict[str, Any], codes: list[str] | None = None) -> str:
    """A code pool, filled with ``codes``; returns its id."""
    pool = post(api, merchant, "/v1/code-pools", {"name": "POS coupons"})
    assert pool.status_code == 201, pool.get_json()
    pool_id: str = pool.get_json()["id"]
    if codes:
        added = post(api, merchant, f"/v1/code-pools/{pool_id}/codes", {"codes": codes})
        assert added.status_code == 200, added.get_json()
    return pool_id
