"""Two merchants owning one object of every kind, for fuzzing and object-level authorization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card, new_pool
from tests.support.fake_poster import APP_SECRET, poster_hook, token_for
from tests.support.programs import lottery, nine_stamp_card
from tests.support.sales import sale_body


@dataclass
class Tenant:
    """A merchant, its API key and the ids of what it owns, by path parameter name."""

    merchant_id: str
    key: str
    owned: dict[str, str] = field(default_factory=dict)


def _created(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _items(api: Api, key: str, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _created(api.call("GET", path, key), 200)["items"]
    assert items, f"nothing listed at {path}"
    return items


def seed_tenant(api: Api, name: str, account: str, poster_url: str) -> Tenant:
    """Provision a merchant with a program, cards, vouchers, a redemption, a hold, a spin, a
    code pool, a sale, a webhook endpoint with a delivery, a Poster connection, a hook and a
    scheduled campaign."""
    merchant = api.create_merchant(name)
    key = merchant["api_key"]
    tenant = Tenant(merchant["id"], key)

    def post(path: str, body: Any, status: int = 201) -> dict[str, Any]:
        return _created(api.call("POST", path, key, json=body), status)

    program = post("/v1/programs", nine_stamp_card())
    number = new_card(api, merchant, program["id"])
    vouchers = [give(api, merchant, code_voucher(UNIQUE), number) for _ in range(3)]
    redeemed = post("/v1/codes/redeem", {"code": vouchers[1]["code"]}, 200)
    hold = post("/v1/codes/hold", {"code": vouchers[2]["code"]})
    spins = post("/v1/programs", lottery_program())
    sale = post(
        "/v1/sales",
        sale_body(f"{name}-1", program_id=spins["id"], customer={"phone": "+380501111111"}),
    )
    spin = _items(api, key, f"/v1/cards/{sale['card_number']}/spins?status=pending")[0]
    endpoint = post("/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/hooks"})
    post(f"/v1/webhook-endpoints/{endpoint['id']}/test", None, 202)
    delivery = _items(api, key, f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")[0]
    connection = post(
        "/v1/connections",
        {
            "pos": "poster",
            "program_id": program["id"],
            "account": account,
            "application_secret": APP_SECRET,
            "access_token": token_for(account),
            "api_base_url": poster_url,
        },
    )
    hooked = api.client.post("/hooks/poster", json=poster_hook(1001, account=account))
    assert hooked.status_code == 200, hooked.get_json()
    event = _items(api, key, "/v1/inbound-events")[0]
    spare_key = post("/v1/api-keys", {})
    campaign = post(
        "/v1/campaigns",
        {
            "program_id": program["id"],
            "segment": {"kind": "all"},
            "channels": ["wallet"],
            "push_text": "Hello",
            "send_at": "2099-01-01T00:00:00Z",
        },
    )
    tenant.owned = {
        "program_id": program["id"],
        "number": number,
        "voucher_id": vouchers[0]["id"],
        "redemption_id": redeemed["redemption_id"],
        "hold_id": hold["hold_id"],
        "spin_id": spin["id"],
        "pool_id": new_pool(api, merchant, [f"{name}-POOL-1", f"{name}-POOL-2"]),
        "sale_id": sale["id"],
        "endpoint_id": endpoint["id"],
        "delivery_id": delivery["id"],
        "connection_id": connection["id"],
        "event_id": event["id"],
        "key_id": spare_key["id"],
        "campaign_id": campaign["id"],
    }
    return tenant


def lottery_program() -> dict[str, Any]:
    """A one-stamp program whose goal gives a lottery spin."""
    reward = lottery(("award", "50"), ("try_again", "50"))
    return nine_stamp_card(name="Spin card", stamps_goal=1, reward=reward, milestones=[])
