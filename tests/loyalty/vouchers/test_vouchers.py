"""Vouchers: lifecycle through the API, channels, lazy and swept expiry, and the race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from gateway.cli import main
from gateway.db import utcnow
from gateway.models import Event, Voucher
from tests.support.api import Api
from tests.support.events import stored_events
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

STAFF_VOUCHER = {
    "type": "voucher",
    "description": "Free cake",
    "redemption": "staff",
    "validity": {"kind": "days", "count": 7},
}
SELF_VOUCHER = {**STAFF_VOUCHER, "redemption": "self"}


@pytest.fixture
def card(api: Api, merchant: dict[str, Any]) -> dict[str, Any]:
    """A card in the 9-stamp program."""
    key = merchant["api_key"]
    program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    body: dict[str, Any] = api.call(
        "POST", "/v1/cards", key, json={"program_id": program["id"]}
    ).get_json()
    return body


def goodwill(
    api: Api, merchant: dict[str, Any], reward: dict[str, Any], card_number: str | None = None
) -> Any:
    body = {"reward": reward, "card_number": card_number, "reason": "sorry for the wait"}
    return api.call("POST", "/v1/vouchers", merchant["api_key"], json=body)


def redeem(api: Api, merchant: dict[str, Any], voucher_id: str, channel: str = "staff") -> Any:
    body = {"channel": channel, "location": "main", "staff": "bar-1"}
    return api.call("POST", f"/v1/vouchers/{voucher_id}/redeem", merchant["api_key"], json=body)


def _age(app: Flask, voucher_id: str, days: int) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        voucher = session.get(Voucher, voucher_id)
        assert voucher is not None
        voucher.valid_until = utcnow() - timedelta(days=days)
        session.commit()


def test_goodwill_voucher_with_a_card_is_active(
    api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    response = goodwill(api, merchant, STAFF_VOUCHER, card["number"])
    assert response.status_code == 201
    voucher = response.get_json()
    assert voucher["id"].startswith("vch_")
    assert (voucher["status"], voucher["card_number"], voucher["program_id"]) == (
        "active",
        card["number"],
        card["program_id"],
    )
    assert voucher["source"] == {"kind": "manual", "sale_id": None}
    assert voucher["valid_until"].endswith("Z")


def test_an_unassigned_voucher_is_issued_until_assigned(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, STAFF_VOUCHER).get_json()
    assert (voucher["status"], voucher["card_number"]) == ("issued", None)
    assert_problem(redeem(api, merchant, voucher["id"]), 409, "not_active")
    assigned = api.call(
        "POST",
        f"/v1/vouchers/{voucher['id']}/assign",
        merchant["api_key"],
        json={"card_number": card["number"]},
    )
    assert assigned.status_code == 200
    assert (assigned.get_json()["status"], assigned.get_json()["card_number"]) == (
        "active",
        card["number"],
    )
    again = api.call(
        "POST",
        f"/v1/vouchers/{voucher['id']}/assign",
        merchant["api_key"],
        json={"card_number": card["number"]},
    )
    assert_problem(again, 409, "already_active")
    assert len(stored_events(app, "voucher.activated")) == 1


def test_redeem_once_then_already_redeemed(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, STAFF_VOUCHER, card["number"]).get_json()
    first = redeem(api, merchant, voucher["id"])
    assert first.status_code == 200
    assert first.get_json()["status"] == "redeemed"
    assert first.get_json()["redeemed_at"] is not None
    assert_problem(redeem(api, merchant, voucher["id"]), 409, "already_redeemed")
    assert_problem(
        api.call("POST", f"/v1/vouchers/{voucher['id']}/void", merchant["api_key"]),
        409,
        "already_redeemed",
    )
    redeemed = stored_events(app, "voucher.redeemed")
    assert [(e.data["voucher_id"], e.data["channel"], e.data["staff"]) for e in redeemed] == [
        (voucher["id"], "staff", "bar-1")
    ]


@pytest.mark.parametrize(
    ("redemption", "channel", "allowed"),
    [
        ("self", "self", True),
        ("self", "staff", True),
        ("staff", "self", False),
        ("staff", "pos", True),
        ("code", "self", False),
        ("code", "api", True),
    ],
)
def test_the_channel_must_fit_the_voucher(
    api: Api,
    merchant: dict[str, Any],
    card: dict[str, Any],
    redemption: str,
    channel: str,
    allowed: bool,
) -> None:
    reward = {**STAFF_VOUCHER, "redemption": redemption}
    if redemption == "code":
        reward["code"] = {"mode": "shared", "value": "CAKE"}
    voucher = goodwill(api, merchant, reward, card["number"]).get_json()
    response = redeem(api, merchant, voucher["id"], channel)
    if allowed:
        assert response.status_code == 200
    else:
        assert_problem(response, 409, "channel_not_allowed")
        assert (
            api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()[
                "status"
            ]
            == "active"
        )


def test_void_is_final(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()
    voided = api.call("POST", f"/v1/vouchers/{voucher['id']}/void", merchant["api_key"])
    assert (voided.status_code, voided.get_json()["status"]) == (200, "voided")
    assert_problem(redeem(api, merchant, voucher["id"], "self"), 409, "voided")
    assert len(stored_events(app, "voucher.voided")) == 1


def test_expiry_is_applied_on_read_and_on_redemption(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    read_one = goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()
    redeem_one = goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()
    _age(app, read_one["id"], 1)
    _age(app, redeem_one["id"], 1)
    read = api.call("GET", f"/v1/vouchers/{read_one['id']}", merchant["api_key"]).get_json()
    assert (read["status"], read["expired_at"] is not None) == ("expired", True)
    assert_problem(redeem(api, merchant, redeem_one["id"], "self"), 409, "expired")
    assert (
        api.call("GET", f"/v1/vouchers/{redeem_one['id']}", merchant["api_key"]).get_json()[
            "status"
        ]
        == "expired"
    )
    assert len(stored_events(app, "voucher.expired")) == 2


def test_list_filters_by_card_and_status_after_expiry(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    fresh = goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()
    stale = goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()
    goodwill(api, merchant, SELF_VOUCHER)
    _age(app, stale["id"], 3)
    key = merchant["api_key"]
    active = api.call(
        "GET", "/v1/vouchers", key, query_string={"card": card["number"], "status": "active"}
    ).get_json()
    assert [item["id"] for item in active["items"]] == [fresh["id"]]
    expired = api.call("GET", "/v1/vouchers", key, query_string={"status": "expired"}).get_json()
    assert [item["id"] for item in expired["items"]] == [stale["id"]]
    assert len(api.call("GET", "/v1/vouchers", key).get_json()["items"]) == 3


def test_the_expiry_sweep_emitsstored_events(
    app: Flask,
    api: Api,
    merchant: dict[str, Any],
    card: dict[str, Any],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = [goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()["id"] for _ in range(3)]
    _age(app, ids[0], 1)
    _age(app, ids[1], 10)
    monkeypatch.setenv("STAMPGATE_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["vouchers", "expire"], catch_exceptions=False)
    assert result.output.strip() == "expired 2 vouchers"
    assert sorted(e.data["voucher_id"] for e in stored_events(app, "voucher.expired")) == sorted(
        ids[:2]
    )
    with app.extensions["stampgate"].session_factory() as session:
        statuses = {v.id: v.status for v in session.scalars(select(Voucher))}
    assert [statuses[i] for i in ids] == ["expired", "expired", "active"]


def test_vouchers_of_another_merchant_are_invisible(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, SELF_VOUCHER, card["number"]).get_json()
    assert_problem(
        api.call("GET", f"/v1/vouchers/{voucher['id']}", other_merchant["api_key"]),
        404,
        "not_found",
    )
    assert_problem(redeem(api, other_merchant, voucher["id"], "self"), 404, "not_found")
    assert_problem(goodwill(api, other_merchant, SELF_VOUCHER, card["number"]), 404, "not_found")


def test_exactly_one_of_twenty_concurrent_redemptions_wins(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, STAFF_VOUCHER, card["number"]).get_json()

    def attempt(_: int) -> tuple[int, str | None]:
        response = app.test_client().post(
            f"/v1/vouchers/{voucher['id']}/redeem",
            json={"channel": "staff"},
            headers={"Authorization": f"Bearer {merchant['api_key']}"},
        )
        return response.status_code, (response.get_json() or {}).get("code")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert sum(status == 200 for status, _ in results) == 1
    assert [code for status, code in results if status != 200] == ["already_redeemed"] * 19
    with app.extensions["stampgate"].session_factory() as session:
        count = session.scalar(
            select(func.count()).select_from(Event).where(Event.type == "voucher.redeemed")
        )
    assert count == 1


def test_redeem_without_a_body_takes_the_defaults(
    app: Flask, api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, STAFF_VOUCHER, card["number"]).get_json()
    redeemed = api.call("POST", f"/v1/vouchers/{voucher['id']}/redeem", merchant["api_key"])
    assert redeemed.status_code == 200, redeemed.get_json()
    assert redeemed.get_json()["status"] == "redeemed"
    [event] = stored_events(app, "voucher.redeemed")
    assert (event.data["channel"], event.data.get("location"), event.data.get("staff")) == (
        "api",
        None,
        None,
    )


def test_redeem_with_an_unknown_field_is_still_refused(
    api: Api, merchant: dict[str, Any], card: dict[str, Any]
) -> None:
    voucher = goodwill(api, merchant, STAFF_VOUCHER, card["number"]).get_json()
    response = api.call(
        "POST", f"/v1/vouchers/{voucher['id']}/redeem", merchant["api_key"], json={"chanel": "api"}
    )
    body = assert_problem(response, 422, "validation_error")
    assert [error["loc"] for error in body["errors"]] == [["chanel"]]
