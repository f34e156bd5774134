"""The setup version: changes of programs and endpoints bump it, so what processes cache
of them (the default program, the enabled endpoints) is never served stale."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.tenancy.models import Merchant
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body
from webhooks.models import Delivery, WebhookEndpoint

HOOKS = "https://receiver.example/hooks"


def _version(app: Flask, merchant_id: str) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        found: Merchant | None = session.get(Merchant, merchant_id)
        assert found is not None
        return found.setup_version


def _deliveries_to(app: Flask, endpoint_id: str) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        rows = session.scalars(select(Delivery).where(Delivery.endpoint_id == endpoint_id))
        return len(list(rows))


def _add_endpoint(app: Flask, merchant_id: str, endpoint_id: str) -> None:
    # Written by another session, as another process would: only the version tells the cache.
    with app.extensions["stampgate"].session_factory() as session:
        session.add(
            WebhookEndpoint(
                id=endpoint_id,
                merchant_id=merchant_id,
                url=HOOKS,
                status="enabled",
                secret="sealed",
                failing_announced=False,
            )
        )
        session.commit()


def _set_status(app: Flask, endpoint_id: str, status: str) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None
        endpoint.status = status
        session.commit()


def test_program_and_endpoint_changes_bump_the_version(
    app: Flask, api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    start = _version(app, merchant["id"])
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    after_program = _version(app, merchant["id"])
    assert after_program > start
    _add_endpoint(app, merchant["id"], "whe_setup_1")
    assert _version(app, merchant["id"]) > after_program
    assert _version(app, other_merchant["id"]) == 0
    before_sale = _version(app, merchant["id"])
    post_sale(api, merchant, sale_body("T-1"))
    assert _version(app, merchant["id"]) == before_sale  # a sale changes no setup


def test_sales_follow_endpoints_added_and_disabled_elsewhere(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    post_sale(api, merchant, sale_body("T-1"))  # the endpoint list (none) is cached now
    _add_endpoint(app, merchant["id"], "whe_setup_2")
    post_sale(api, merchant, sale_body("T-2", customer={"phone": "+380501112233"}))
    written = _deliveries_to(app, "whe_setup_2")
    assert written == 3  # card.created, card.stamped, sale.processed
    _set_status(app, "whe_setup_2", "disabled")
    post_sale(api, merchant, sale_body("T-3", customer={"phone": "+380501112244"}))
    assert _deliveries_to(app, "whe_setup_2") == written


def test_sales_follow_a_new_default_program(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    key = merchant["api_key"]
    first = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    assert post_sale(api, merchant, sale_body("T-1")).get_json()["program_id"] == first["id"]
    second = api.call(
        "POST", "/v1/programs", key, json=nine_stamp_card(name="Tea card", is_default=True)
    ).get_json()
    sale = post_sale(api, merchant, sale_body("T-2")).get_json()
    assert sale["program_id"] == second["id"]
    api.call("PATCH", f"/v1/programs/{first['id']}", key, json={"is_default": True})
    assert post_sale(api, merchant, sale_body("T-3")).get_json()["program_id"] == first["id"]
