"""Cards: enrolment, lookup, manual stamps through goals and milestones, and the journal."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from gateway.loyalty.cards.numbers import is_valid_card_number
from gateway.models import StampEntry, Voucher
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import lottery, nine_stamp_card


@pytest.fixture
def program(api: Api, merchant: dict[str, Any]) -> dict[str, Any]:
    """The 9-stamp card with milestones at 3 (Award) and 6 (Voucher), goal a coded voucher."""
    body: dict[str, Any] = api.call(
        "POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card()
    ).get_json()
    return body


def enrol(api: Api, merchant: dict[str, Any], program_id: str, **customer: Any) -> Any:
    return api.call(
        "POST",
        "/v1/cards",
        merchant["api_key"],
        json={"program_id": program_id, "customer": customer},
    )


def stamp(api: Api, merchant: dict[str, Any], number: str, count: int, **extra: Any) -> Any:
    body = {"count": count, "channel": "staff", **extra}
    return api.call("POST", f"/v1/cards/{number}/stamps", merchant["api_key"], json=body)


def test_enrolment_normalises_identifiers(
    api: Api, merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    response = enrol(
        api,
        merchant,
        program["id"],
        phone="+380 (50) 111-11-11",
        email=" Ann@Example.COM ",
        pos={"poster": "77"},
    )
    assert response.status_code == 201
    card = response.get_json()
    assert card["id"].startswith("crd_")
    assert is_valid_card_number(card["number"])
    assert card["customer"] == {
        "phone": "+380501111111",
        "email": "ann@example.com",
        "pos": {"poster": "77"},
        "consent": {
            "email": {
                "status": "none",
                "opted_in_at": None,
                "source": None,
                "unsubscribed_at": None,
            }
        },
        "birthday": None,
    }
    assert (card["stamps"], card["stamps_goal"], card["cycle"]) == (0, 9, 1)


@pytest.mark.parametrize(
    "same_customer",
    [{"phone": "+380501111111"}, {"email": "ANN@example.com"}, {"pos": {"poster": "77"}}],
)
def test_one_card_per_customer_per_program(
    api: Api, merchant: dict[str, Any], program: dict[str, Any], same_customer: dict[str, Any]
) -> None:
    first = enrol(
        api,
        merchant,
        program["id"],
        phone="+380501111111",
        email="ann@example.com",
        pos={"poster": "77"},
    )
    second = enrol(api, merchant, program["id"], **same_customer)
    body = assert_problem(second, 409, "card_exists")
    assert body["card_number"] == first.get_json()["number"]
    other_program = api.call(
        "POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card(name="Tea")
    ).get_json()
    assert enrol(api, merchant, other_program["id"], **same_customer).status_code == 201


def test_invalid_identifiers_are_refused(
    api: Api, merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    response = enrol(api, merchant, program["id"], phone="12", email="not-an-email")
    body = assert_problem(response, 422, "validation_error")
    assert {tuple(error["loc"]) for error in body["errors"]} == {
        ("customer", "phone"),
        ("customer", "email"),
    }


def test_another_merchants_program_cannot_be_used(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    assert_problem(
        enrol(api, other_merchant, program["id"], phone="+380501111111"), 404, "not_found"
    )


def test_lookup_by_number_phone_email_and_pos_id(
    api: Api, merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    card = enrol(
        api,
        merchant,
        program["id"],
        phone="+380501111111",
        email="ann@example.com",
        pos={"poster": "77"},
    ).get_json()
    key = merchant["api_key"]
    spaced = " ".join(re.findall("....", card["number"]))
    assert api.call("GET", f"/v1/cards/{spaced}", key).get_json()["id"] == card["id"]
    for query in (
        {"phone": "+380 50 111 11 11"},
        {"email": "ANN@example.com"},
        {"pos": "poster:77"},
    ):
        found = api.call("GET", "/v1/cards", key, query_string=query).get_json()["items"]
        assert [item["number"] for item in found] == [card["number"]], query
    assert (
        api.call("GET", "/v1/cards", key, query_string={"pos": "poster:78"}).get_json()["items"]
        == []
    )
    everyone = api.call("GET", "/v1/cards", key).get_json()["items"]
    assert [item["number"] for item in everyone] == [card["number"]]


def test_the_nine_stamp_card_gives_its_rewards_in_order(
    api: Api, merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    number = enrol(api, merchant, program["id"], phone="+380501111111").get_json()["number"]
    first = stamp(api, merchant, number, 3, location="main", staff="bar-1").get_json()
    assert (first["stamps"], first["cycle"]) == (3, 1)
    assert [(r["type"], r["milestone"]) for r in first["rewards"]] == [("award", True)]
    assert first["rewards"][0]["award"]["description"] == "Any regular coffee"
    second = stamp(api, merchant, number, 3).get_json()
    assert [(r["type"], r["milestone"]) for r in second["rewards"]] == [("voucher", True)]
    dessert = second["rewards"][0]["voucher"]
    assert (dessert["status"], dessert["redemption"], dessert["code"]) == ("active", "staff", None)
    assert dessert["source"]["kind"] == "milestone"
    third = stamp(api, merchant, number, 3).get_json()
    assert (third["stamps"], third["cycle"]) == (0, 2)
    pizza = third["rewards"][0]["voucher"]
    assert (third["rewards"][0]["milestone"], pizza["code"], pizza["status"]) == (
        False,
        "FREEPIZZA9",
        "active",
    )
    assert pizza["valid_until"] > pizza["issued_at"]


def test_one_addition_can_complete_several_cycles(
    app: Flask, api: Api, merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    number = enrol(api, merchant, program["id"]).get_json()["number"]
    result = stamp(api, merchant, number, 20).get_json()
    assert (result["stamps"], result["cycle"]) == (2, 3)
    kinds = [(r["type"], r["milestone"]) for r in result["rewards"]]
    assert kinds == [("award", True), ("voucher", True), ("voucher", False)] * 2
    with app.extensions["stampgate"].session_factory() as session:
        vouchers = session.scalars(
            select(Voucher).where(Voucher.merchant_id == merchant["id"])
        ).all()
        assert sorted((v.source_kind, v.source_cycle) for v in vouchers) == [
            ("goal", 1),
            ("goal", 2),
            ("milestone", 1),
            ("milestone", 2),
        ]
        ledger = session.scalars(select(StampEntry)).all()
        assert [(e.delta, e.stamps_after, e.cycle_after, e.kind) for e in ledger] == [
            (20, 2, 3, "manual")
        ]


def test_the_journal_lists_the_cards_events_newest_first(
    api: Api, merchant: dict[str, Any], program: dict[str, Any]
) -> None:
    number = enrol(api, merchant, program["id"]).get_json()["number"]
    stamp(api, merchant, number, 3, location="main", staff="bar-1")
    journal = api.call("GET", f"/v1/cards/{number}/journal", merchant["api_key"]).get_json()
    types = [item["type"] for item in journal["items"]]
    assert types == ["reward.awarded", "card.milestone_reached", "card.stamped", "card.created"]
    stamped = journal["items"][2]["data"]
    assert (stamped["added"], stamped["channel"], stamped["location"], stamped["staff"]) == (
        3,
        "staff",
        "main",
        "bar-1",
    )
    paged = api.call(
        "GET", f"/v1/cards/{number}/journal", merchant["api_key"], query_string={"limit": 3}
    ).get_json()
    assert [item["type"] for item in paged["items"]] == types[:3]
    rest = api.call(
        "GET",
        f"/v1/cards/{number}/journal",
        merchant["api_key"],
        query_string={"cursor": paged["next_cursor"]},
    ).get_json()
    assert [item["type"] for item in rest["items"]] == types[3:]


def test_a_lottery_goal_creates_a_pending_spin(api: Api, merchant: dict[str, Any]) -> None:
    body = nine_stamp_card(reward=lottery(("award", "50"), ("try_again", "50")), milestones=[])
    program = api.call("POST", "/v1/programs", merchant["api_key"], json=body).get_json()
    number = enrol(api, merchant, program["id"]).get_json()["number"]
    result = stamp(api, merchant, number, 9).get_json()
    spin = result["rewards"][0]["spin"]
    assert (result["rewards"][0]["type"], spin["status"], spin["lottery"]) == (
        "spin",
        "pending",
        "Spin to win",
    )
    assert spin["id"].startswith("spn_")


def test_unique_codes_follow_the_pattern_and_differ(api: Api, merchant: dict[str, Any]) -> None:
    reward = {
        "type": "voucher",
        "description": "Pizza",
        "redemption": "code",
        "code": {"mode": "unique", "pattern": "PZ-####-####"},
    }
    program = api.call(
        "POST",
        "/v1/programs",
        merchant["api_key"],
        json=nine_stamp_card(reward=reward, milestones=[]),
    ).get_json()
    number = enrol(api, merchant, program["id"]).get_json()["number"]
    rewards = stamp(api, merchant, number, 45).get_json()["rewards"]
    codes = [r["voucher"]["code"] for r in rewards]
    assert len(codes) == len(set(codes)) == 5
    assert all(re.fullmatch(r"PZ-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code) for code in codes)


def test_a_failed_reward_leaves_nothing_written(
    app: Flask, api: Api, merchant: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    reward = {
        "type": "voucher",
        "description": "Pizza",
        "redemption": "code",
        "code": {"mode": "unique", "pattern": "PZ-####-####"},
    }
    program = api.call(
        "POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card(reward=reward)
    ).get_json()
    number = enrol(api, merchant, program["id"]).get_json()["number"]
    # Every draw gives the one code already taken, so the goal's voucher cannot be issued.
    monkeypatch.setattr(
        "gateway.loyalty.vouchers.issuing.generate_code", lambda _pattern: "PZ-2222-2222"
    )
    taken = api.call("POST", "/v1/vouchers", merchant["api_key"], json={"reward": reward})
    assert taken.status_code == 201
    assert_problem(stamp(api, merchant, number, 9), 409, "code_space_exhausted")
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    assert (card["stamps"], card["cycle"]) == (0, 1)
    journal = api.call("GET", f"/v1/cards/{number}/journal", merchant["api_key"]).get_json()
    assert [item["type"] for item in journal["items"]] == ["card.created"]
    with app.extensions["stampgate"].session_factory() as session:
        assert session.scalar(select(func.count()).select_from(StampEntry)) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0, "channel": "staff"},
        {"count": 1, "channel": "pos"},
        {"count": 101, "channel": "api"},
    ],
)
def test_invalid_stamp_requests_are_refused(
    api: Api, merchant: dict[str, Any], program: dict[str, Any], body: dict[str, Any]
) -> None:
    number = enrol(api, merchant, program["id"]).get_json()["number"]
    response = api.call("POST", f"/v1/cards/{number}/stamps", merchant["api_key"], json=body)
    assert_problem(response, 422, "validation_error")


def test_concurrent_stamps_are_never_lost(
    app: Flask, merchant: dict[str, Any], api: Api, program: dict[str, Any]
) -> None:
    number = enrol(api, merchant, program["id"]).get_json()["number"]

    def add_one(_: int) -> int:
        response = app.test_client().post(
            f"/v1/cards/{number}/stamps",
            json={"count": 1, "channel": "kiosk"},
            headers={"Authorization": f"Bearer {merchant['api_key']}"},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(add_one, range(20)))
    assert statuses == [200] * 20
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    assert (card["cycle"] - 1) * 9 + card["stamps"] == 20
    with app.extensions["stampgate"].session_factory() as session:
        entries = session.scalars(select(StampEntry).order_by(StampEntry.id)).all()
    assert sorted(e.cycle_after * 9 + e.stamps_after for e in entries) == [
        9 + n for n in range(1, 21)
    ]
