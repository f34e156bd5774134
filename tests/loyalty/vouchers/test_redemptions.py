"""Redemptions: recorded for every channel, rolled back once, within the window."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from gateway.db import utcnow
from gateway.models import Voucher, VoucherRedemption
from tests.support.api import Api, bearer
from tests.support.codes import UNIQUE, code_voucher, give, new_card, post
from tests.support.events import stored_events
from tests.support.problems import assert_problem
from tests.support.sales import post_sale, sale_body

STAFF = {"type": "voucher", "description": "Cake", "redemption": "staff"}


def _rollback(api: Api, merchant: dict[str, Any], redemption_id: str, **body: Any) -> Any:
    return post(api, merchant, f"/v1/redemptions/{redemption_id}/rollback", body)


def test_a_rolled_back_redemption_makes_the_voucher_usable_again(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, STAFF, number)
    redeemed = post(api, merchant, f"/v1/vouchers/{voucher['id']}/redeem", {"channel": "staff"})
    redemption_id = redeemed.get_json()["redemption_id"]
    read = api.call("GET", f"/v1/redemptions/{redemption_id}", merchant["api_key"]).get_json()
    assert (read["voucher_id"], read["channel"], read["rolled_back_at"]) == (
        voucher["id"],
        "staff",
        None,
    )
    undone = _rollback(api, merchant, redemption_id, reason="wrong customer")
    assert undone.status_code == 200, undone.get_json()
    body = undone.get_json()
    assert (body["rollback_reason"], body["voucher"]["status"]) == ("wrong customer", "active")
    assert body["voucher"]["redeemed_at"] is None
    assert body["voucher"]["redemption_id"] is None
    [event] = stored_events(app, "voucher.redemption_rolled_back")
    assert (event.data["redemption_id"], event.data["status"]) == (redemption_id, "active")
    assert_problem(_rollback(api, merchant, redemption_id), 409, "already_rolled_back")
    again = post(api, merchant, f"/v1/vouchers/{voucher['id']}/redeem", {"channel": "staff"})
    assert again.status_code == 200
    assert again.get_json()["redemption_id"] != redemption_id


def test_a_rollback_after_the_validity_ended_leaves_the_voucher_expired(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    redeemed = post(api, merchant, "/v1/codes/redeem", {"code": voucher["code"]}).get_json()
    with app.extensions["stampgate"].session_factory() as session:
        row = session.get(Voucher, voucher["id"])
        assert row is not None
        row.valid_until = utcnow() - timedelta(hours=1)
        session.commit()
    undone = _rollback(api, merchant, redeemed["redemption_id"]).get_json()
    assert undone["voucher"]["status"] == "expired"
    assert [e.type for e in stored_events(app, "voucher.expired")] == ["voucher.expired"]


def test_the_rollback_window_is_a_setting(
    make_app: Any, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, STAFF, number)
    redeemed = post(api, merchant, f"/v1/vouchers/{voucher['id']}/redeem", {"channel": "staff"})
    redemption_id = redeemed.get_json()["redemption_id"]
    strict: FlaskClient = make_app(redemption_rollback_seconds=0).test_client()
    late = strict.post(
        f"/v1/redemptions/{redemption_id}/rollback", json={}, headers=bearer(merchant["api_key"])
    )
    assert_problem(late, 409, "rollback_window_passed")
    assert _rollback(api, merchant, redemption_id).status_code == 200  # the default: 24 h


def test_a_promo_code_redemption_on_a_sale_can_be_rolled_back(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    program_id = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()[
        "program_id"
    ]
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    sale = sale_body(
        "T-1",
        program_id=program_id,
        customer={"card_number": number},
        promo_codes=[voucher["code"]],
    )
    result = post_sale(api, merchant, sale).get_json()
    assert result["redemptions"][0]["status"] == "redeemed"
    with app.extensions["stampgate"].session_factory() as session:
        row = session.scalars(select(VoucherRedemption)).one()
        assert (row.sale_id, row.pos_transaction_id, row.code) == (
            result["id"],
            "T-1",
            voucher["code"],
        )
    [event] = stored_events(app, "voucher.redeemed")
    assert event.data["redemption_id"] == row.id
    assert _rollback(api, merchant, row.id).get_json()["voucher"]["status"] == "active"


def test_concurrent_rollbacks_undo_once(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, STAFF, number)
    redeemed = post(api, merchant, f"/v1/vouchers/{voucher['id']}/redeem", {"channel": "staff"})
    redemption_id = redeemed.get_json()["redemption_id"]

    def attempt(_: int) -> int:
        response = app.test_client().post(
            f"/v1/redemptions/{redemption_id}/rollback",
            json={},
            headers=bearer(merchant["api_key"]),
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(attempt, range(8)))
    assert statuses == [200] + [409] * 7
    assert len(stored_events(app, "voucher.redemption_rolled_back")) == 1


def test_a_rollback_needs_no_body(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, STAFF, number)
    redeemed = post(api, merchant, f"/v1/vouchers/{voucher['id']}/redeem", {"channel": "staff"})
    redemption_id = redeemed.get_json()["redemption_id"]
    undone = api.call("POST", f"/v1/redemptions/{redemption_id}/rollback", merchant["api_key"])
    assert undone.status_code == 200, undone.get_json()
    body = undone.get_json()
    assert (body["rollback_reason"], body["voucher"]["status"]) == (None, "active")
    assert len(stored_events(app, "voucher.redemption_rolled_back")) == 1
