"""Redeem codes at the till: check, hold, redeem, release, and exactly-once under contention."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from gateway.db import utcnow
from gateway.models import Event, Voucher, VoucherRedemption
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card, post
from tests.support.events import stored_events
from tests.support.problems import assert_problem
from tests.support.sales import post_sale, sale_body

SHARED = {"mode": "shared", "value": "FREECOFFEE"}


def _check(api: Api, merchant: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = post(api, merchant, "/v1/codes/check", body)
    assert response.status_code == 200, response.get_json()
    verdict: dict[str, Any] = response.get_json()
    return verdict


def _count(app: Flask, model: Any, *where: Any) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _set(app: Flask, voucher_id: str, **values: Any) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        voucher = session.get(Voucher, voucher_id)
        assert voucher is not None
        for name, value in values.items():
            setattr(voucher, name, value)
        session.commit()


def test_check_answers_and_changes_nothing(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    events_before = _count(app, Event)
    verdict = _check(api, merchant, code=f"  {voucher['code'].lower()} ")
    assert (verdict["valid"], verdict["reason"]) == (True, None)
    assert verdict["voucher"]["id"] == voucher["id"]
    assert _check(api, merchant, code="PZ-NOPE-NOPE") == {
        "valid": False,
        "reason": "unknown_code",
        "voucher": None,
    }
    _set(app, voucher["id"], valid_until=utcnow() - timedelta(days=1))
    expired = _check(api, merchant, code=voucher["code"])
    assert (expired["valid"], expired["reason"]) == (False, "expired")
    assert expired["voucher"]["status"] == "active"  # a check never writes, not even expiry
    assert _count(app, Event) == events_before


def test_redeem_a_unique_code_then_every_refusal_has_its_code(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    body = {"code": voucher["code"], "location": "main", "pos_transaction_id": "T-1"}
    redeemed = post(api, merchant, "/v1/codes/redeem", body)
    assert redeemed.status_code == 200, redeemed.get_json()
    out = redeemed.get_json()
    assert (out["id"], out["status"], out["redemption_id"][:4]) == (
        voucher["id"],
        "redeemed",
        "red_",
    )
    again = post(api, merchant, "/v1/codes/redeem", {**body, "pos_transaction_id": "T-2"})
    assert_problem(again, 409, "already_redeemed")
    assert _check(api, merchant, code=voucher["code"])["reason"] == "already_redeemed"
    event = next(e for e in stored_events(app, "voucher.redeemed"))
    assert (event.data["channel"], event.data["redemption_id"]) == ("pos", out["redemption_id"])
    assert event.data["pos_transaction_id"] == "T-1"

    voided = give(api, merchant, code_voucher(UNIQUE), number)
    post(api, merchant, f"/v1/vouchers/{voided['id']}/void")
    assert_problem(post(api, merchant, "/v1/codes/redeem", {"code": voided["code"]}), 409, "voided")
    unassigned = give(api, merchant, code_voucher(UNIQUE), None)
    response = post(api, merchant, "/v1/codes/redeem", {"code": unassigned["code"]})
    assert_problem(response, 409, "not_active")
    stale = give(api, merchant, code_voucher(UNIQUE), number)
    _set(app, stale["id"], valid_until=utcnow() - timedelta(minutes=1))
    assert_problem(post(api, merchant, "/v1/codes/redeem", {"code": stale["code"]}), 409, "expired")
    read = api.call("GET", f"/v1/vouchers/{stale['id']}", merchant["api_key"]).get_json()
    assert read["status"] == "expired"
    unknown = post(api, merchant, "/v1/codes/redeem", {"code": "PZ-2222-2222"})
    assert_problem(unknown, 404, "unknown_code")


def test_a_retried_redeem_returns_the_first_success(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    body = {"code": voucher["code"], "pos_transaction_id": "T-9"}
    headers = {"Idempotency-Key": "till-1-T-9"}
    first = post(api, merchant, "/v1/codes/redeem", body, headers=headers)
    replayed = post(api, merchant, "/v1/codes/redeem", body, headers=headers)
    assert first.status_code == replayed.status_code == 200
    assert replayed.get_json() == first.get_json()
    # Without a key, the same POS transaction asking again is still answered with its success.
    natural = post(api, merchant, "/v1/codes/redeem", body)
    assert (natural.status_code, natural.get_json()["id"]) == (200, voucher["id"])
    assert _count(app, VoucherRedemption) == 1
    assert len(stored_events(app, "voucher.redeemed")) == 1


def test_another_merchants_code_is_unknown(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    response = post(api, other_merchant, "/v1/codes/redeem", {"code": voucher["code"]})
    assert_problem(response, 404, "unknown_code")
    assert _check(api, other_merchant, code=voucher["code"])["reason"] == "unknown_code"
    assert _check(api, merchant, code=voucher["code"])["valid"] is True


def test_a_shared_code_needs_the_customer_when_several_have_it(
    api: Api, merchant: dict[str, Any]
) -> None:
    first = new_card(api, merchant)
    program_id = api.call("GET", f"/v1/cards/{first}", merchant["api_key"]).get_json()["program_id"]
    second = new_card(api, merchant, program_id)
    mine = give(api, merchant, code_voucher(SHARED), first)
    give(api, merchant, code_voucher(SHARED), second)
    verdict = _check(api, merchant, code="freecoffee")
    assert (verdict["valid"], verdict["reason"], verdict["voucher"]) == (
        False,
        "customer_required",
        None,
    )
    assert_problem(
        post(api, merchant, "/v1/codes/redeem", {"code": "FREECOFFEE"}), 409, "customer_required"
    )
    body = {"code": " FreeCoffee ", "card_number": first}
    redeemed = post(api, merchant, "/v1/codes/redeem", body)
    assert (redeemed.status_code, redeemed.get_json()["id"]) == (200, mine["id"])
    third = new_card(api, merchant, program_id)
    assert _check(api, merchant, code="FREECOFFEE", card_number=third)["reason"] == (
        "other_customer"
    )


def test_a_hold_keeps_the_voucher_for_its_till_until_released_or_expired(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    code = voucher["code"]
    held = post(
        api,
        merchant,
        "/v1/codes/hold",
        {"code": code, "ttl_seconds": 120, "pos_transaction_id": "A"},
    )
    assert held.status_code == 201, held.get_json()
    hold = held.get_json()
    assert hold["hold_id"].startswith("hld_")
    assert hold["expires_at"].endswith("Z")
    assert hold["voucher"]["held_until"] == hold["expires_at"]
    assert _check(api, merchant, code=code)["reason"] == "held"
    assert _check(api, merchant, code=code, hold_id=hold["hold_id"])["valid"] is True
    assert_problem(post(api, merchant, "/v1/codes/redeem", {"code": code}), 409, "held")
    assert_problem(
        post(api, merchant, "/v1/codes/hold", {"code": code, "pos_transaction_id": "B"}),
        409,
        "held",
    )
    voucher_route = post(api, merchant, f"/v1/vouchers/{voucher['id']}/redeem", {"channel": "api"})
    assert_problem(voucher_route, 409, "held")
    # The same till renews its hold rather than stacking another.
    renewed = post(api, merchant, "/v1/codes/hold", {"code": code, "pos_transaction_id": "A"})
    assert renewed.get_json()["hold_id"] == hold["hold_id"]

    released = api.call("DELETE", f"/v1/holds/{hold['hold_id']}", merchant["api_key"])
    assert (released.status_code, released.get_json()["held_until"]) == (200, None)
    missing = api.call("DELETE", f"/v1/holds/{hold['hold_id']}", merchant["api_key"])
    assert_problem(missing, 404, "not_found")

    other = post(api, merchant, "/v1/codes/hold", {"code": code, "pos_transaction_id": "B"})
    assert other.status_code == 201
    _set(app, voucher["id"], held_until=utcnow() - timedelta(seconds=1))
    assert _check(api, merchant, code=code)["valid"] is True  # a lapsed hold is ignored
    assert post(api, merchant, "/v1/codes/redeem", {"code": code}).status_code == 200


def test_redeem_under_the_hold_and_a_sale_of_the_holding_transaction(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    by_hold = give(api, merchant, code_voucher(UNIQUE), number)
    hold = post(api, merchant, "/v1/codes/hold", {"code": by_hold["code"]}).get_json()
    body = {"code": by_hold["code"], "hold_id": hold["hold_id"], "pos_transaction_id": "T-5"}
    redeemed = post(api, merchant, "/v1/codes/redeem", body)
    assert (redeemed.status_code, redeemed.get_json()["held_until"]) == (200, None)
    with app.extensions["stampgate"].session_factory() as session:
        row = session.scalars(select(VoucherRedemption)).one()
        assert (row.hold_id, row.pos_transaction_id, row.channel) == (hold["hold_id"], "T-5", "pos")

    by_sale = give(api, merchant, code_voucher(UNIQUE), number)
    post(api, merchant, "/v1/codes/hold", {"code": by_sale["code"], "pos_transaction_id": "T-6"})
    customer = {"card_number": number}
    other_sale = sale_body(
        "T-7", program_id=card["program_id"], customer=customer, promo_codes=[by_sale["code"]]
    )
    refused = post_sale(api, merchant, other_sale).get_json()
    assert refused["redemptions"][0]["reason"] == "held"
    own_sale = sale_body(
        "T-6", program_id=card["program_id"], customer=customer, promo_codes=[by_sale["code"]]
    )
    done = post_sale(api, merchant, own_sale).get_json()
    assert done["redemptions"][0]["status"] == "redeemed"


def test_a_codeless_voucher_is_found_by_its_id(api: Api, merchant: dict[str, Any]) -> None:
    number = new_card(api, merchant)
    voucher = give(
        api, merchant, {**code_voucher(UNIQUE), "redemption": "staff", "code": None}, number
    )
    assert _check(api, merchant, code=voucher["id"])["voucher"]["id"] == voucher["id"]


def test_of_concurrent_holds_and_redeems_exactly_one_wins(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)

    def attempt(n: int) -> tuple[int, str | None]:
        route = "/v1/codes/hold" if n % 2 else "/v1/codes/redeem"
        response = app.test_client().post(
            route,
            json={"code": voucher["code"], "pos_transaction_id": f"T-{n}"},
            headers={"Authorization": f"Bearer {merchant['api_key']}"},
        )
        return response.status_code, (response.get_json() or {}).get("code")

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(32)))
    winners = [status for status, _ in results if status in {200, 201}]
    assert len(winners) == 1, results
    assert {code for status, code in results if status >= 400} <= {"held", "already_redeemed"}


def test_already_redeemed_reads_the_same_at_the_till_and_through_the_voucher(
    api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    path = f"/v1/vouchers/{voucher['id']}/redeem"
    assert post(api, merchant, "/v1/codes/redeem", {"code": voucher["code"]}).status_code == 200
    by_code = assert_problem(
        post(api, merchant, "/v1/codes/redeem", {"code": voucher["code"]}), 409, "already_redeemed"
    )
    by_id = assert_problem(post(api, merchant, path, {"channel": "api"}), 409, "already_redeemed")
    assert by_code["detail"] == by_id["detail"] == "The voucher was already redeemed."
