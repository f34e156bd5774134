"""Lottery: a card's spins, playing one server-side, and exactly one play per spin."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from gateway.loyalty.lottery.schemas import PlayOut, SpinPage
from gateway.models import Event, Spin, Voucher
from tests.support.api import Api, bearer
from tests.support.problems import assert_problem
from tests.support.programs import lottery, nine_stamp_card

RACERS = 20


def card_with_a_spin(
    api: Api, owner: dict[str, Any], *variants: tuple[str, str]
) -> tuple[str, str]:
    """A card of a new lottery program, stamped to its goal: ``(number, pending spin id)``."""
    body = nine_stamp_card(reward=lottery(*variants), milestones=[])
    program = api.call("POST", "/v1/programs", owner["api_key"], json=body).get_json()
    card = api.call("POST", "/v1/cards", owner["api_key"], json={"program_id": program["id"]})
    number: str = card.get_json()["number"]
    stamped = api.call(
        "POST",
        f"/v1/cards/{number}/stamps",
        owner["api_key"],
        json={"count": 9, "channel": "staff"},
    ).get_json()
    spin_id: str = stamped["rewards"][0]["spin"]["id"]
    return number, spin_id


def play(api: Api, owner: dict[str, Any], spin_id: str, **kwargs: Any) -> Any:
    return api.call("POST", f"/v1/spins/{spin_id}/play", owner["api_key"], **kwargs)


def spins_of(api: Api, owner: dict[str, Any], number: str, **query: Any) -> list[dict[str, Any]]:
    response = api.call("GET", f"/v1/cards/{number}/spins", owner["api_key"], query_string=query)
    assert response.status_code == 200, response.get_json()
    SpinPage.model_validate(response.get_json())
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def journal_types(api: Api, owner: dict[str, Any], number: str) -> list[str]:
    journal = api.call("GET", f"/v1/cards/{number}/journal", owner["api_key"]).get_json()
    return [item["type"] for item in journal["items"]]


def test_a_pending_spin_is_listed_by_status(api: Api, merchant: dict[str, Any]) -> None:
    number, spin_id = card_with_a_spin(api, merchant, ("award", "50"), ("no_prize", "50"))
    pending = spins_of(api, merchant, number, status="pending")
    assert [(s["id"], s["status"], s["card_number"]) for s in pending] == [
        (spin_id, "pending", number)
    ]
    assert (pending[0]["lottery"], pending[0]["outcome"], pending[0]["played_at"]) == (
        "Spin to win",
        None,
        None,
    )
    assert spins_of(api, merchant, number, status="played") == []
    assert [s["id"] for s in spins_of(api, merchant, number)] == [spin_id]
    bad = api.call(
        "GET", f"/v1/cards/{number}/spins", merchant["api_key"], query_string={"status": "won"}
    )
    assert_problem(bad, 422, "validation_error")


def test_an_award_is_given_and_journaled(api: Api, merchant: dict[str, Any]) -> None:
    number, spin_id = card_with_a_spin(api, merchant, ("award", "100"))
    response = play(api, merchant, spin_id)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    PlayOut.model_validate(result)
    assert result["outcome"] == {"kind": "award", "name": "award slot", "greeting": ""}
    assert result["award"] == {
        "type": "award",
        "description": "Any regular coffee",
        "image_url": None,
    }
    assert (result["voucher"], result["next_spin"]) == (None, None)
    assert (result["spin"]["id"], result["spin"]["status"]) == (spin_id, "played")
    assert result["spin"]["outcome"] == result["outcome"]
    assert result["spin"]["played_at"].endswith("Z")
    types = journal_types(api, merchant, number)
    assert types[:2] == ["lottery.played", "reward.awarded"]
    journal = api.call("GET", f"/v1/cards/{number}/journal", merchant["api_key"]).get_json()
    played = journal["items"][0]["data"]
    assert (played["spin_id"], played["card_number"], played["kind"], played["name"]) == (
        spin_id,
        number,
        "award",
        "award slot",
    )
    assert (played["voucher_id"], played["next_spin_id"]) == (None, None)
    assert journal["items"][1]["data"]["award"]["description"] == "Any regular coffee"


def test_a_voucher_is_issued_to_the_card(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    number, spin_id = card_with_a_spin(api, merchant, ("voucher", "100"))
    result = play(api, merchant, spin_id).get_json()
    PlayOut.model_validate(result)  # the answer has the documented shape
    voucher = result["voucher"]
    assert result["outcome"]["kind"] == "voucher"
    assert (voucher["status"], voucher["card_number"], voucher["description"]) == (
        "active",
        number,
        "A dessert",
    )
    assert voucher["source"] == {"kind": "lottery", "sale_id": None}
    assert result["award"] is None
    with app.extensions["stampgate"].session_factory() as session:
        stored = session.scalars(select(Voucher)).one()
    assert (stored.id, stored.status, stored.source_kind) == (voucher["id"], "active", "lottery")
    assert "voucher.issued" in journal_types(api, merchant, number)


def test_try_again_yields_the_next_spin(api: Api, merchant: dict[str, Any]) -> None:
    number, spin_id = card_with_a_spin(api, merchant, ("try_again", "100"))
    result = play(api, merchant, spin_id).get_json()
    next_spin = result["next_spin"]
    assert result["outcome"]["kind"] == "try_again"
    assert (result["award"], result["voucher"]) == (None, None)
    assert next_spin["status"] == "pending"
    assert next_spin["id"] != spin_id
    assert [s["id"] for s in spins_of(api, merchant, number, status="played")] == [spin_id]
    assert [s["id"] for s in spins_of(api, merchant, number, status="pending")] == [next_spin["id"]]
    again = play(api, merchant, next_spin["id"]).get_json()
    assert again["next_spin"]["lottery"] == "Spin to win"


def test_no_prize_gives_nothing(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    number, spin_id = card_with_a_spin(api, merchant, ("no_prize", "100"))
    result = play(api, merchant, spin_id).get_json()
    assert result["outcome"] == {"kind": "no_prize", "name": "no_prize slot", "greeting": ""}
    assert (result["award"], result["voucher"], result["next_spin"]) == (None, None, None)
    assert result["spin"]["status"] == "played"
    types = journal_types(api, merchant, number)
    assert types[0] == "lottery.played"
    assert "reward.awarded" not in types
    with app.extensions["stampgate"].session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Voucher)) == 0


def test_a_spin_is_played_once(api: Api, merchant: dict[str, Any]) -> None:
    _number, spin_id = card_with_a_spin(api, merchant, ("award", "100"))
    assert play(api, merchant, spin_id).status_code == 200
    assert_problem(play(api, merchant, spin_id), 409, "spin_already_played")


def test_a_retried_play_replays_its_first_answer(api: Api, merchant: dict[str, Any]) -> None:
    _number, spin_id = card_with_a_spin(api, merchant, ("voucher", "100"))
    first = play(api, merchant, spin_id, headers={"Idempotency-Key": "play-1"})
    retry = play(api, merchant, spin_id, headers={"Idempotency-Key": "play-1"})
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_another_merchants_spin_is_not_found(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    number, spin_id = card_with_a_spin(api, other_merchant, ("award", "100"))
    assert_problem(play(api, merchant, spin_id), 404, "not_found")
    listed = api.call("GET", f"/v1/cards/{number}/spins", merchant["api_key"])
    assert_problem(listed, 404, "not_found")
    assert [s["status"] for s in spins_of(api, other_merchant, number)] == ["pending"]
    assert_problem(play(api, merchant, "spn_nope"), 404, "not_found")


@pytest.mark.parametrize("variant", ["award", "voucher"])
def test_concurrent_plays_of_one_spin_give_one_prize(
    app: Flask, api: Api, merchant: dict[str, Any], variant: str
) -> None:
    number, spin_id = card_with_a_spin(api, merchant, (variant, "100"))
    start = threading.Barrier(RACERS)

    def play_once(_: int) -> int:
        client = app.test_client()
        start.wait()
        response = client.post(f"/v1/spins/{spin_id}/play", headers=bearer(merchant["api_key"]))
        if response.status_code == 409:
            assert response.get_json()["code"] == "spin_already_played"
        return response.status_code

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        statuses = Counter(pool.map(play_once, range(RACERS)))
    assert statuses == Counter({200: 1, 409: RACERS - 1})
    with app.extensions["stampgate"].session_factory() as session:
        events = Counter(session.scalars(select(Event.type)).all())
        assert session.scalar(select(func.count()).select_from(Voucher)) == (
            1 if variant == "voucher" else 0
        )
        assert session.scalars(select(Spin.status)).all() == ["played"]
    assert events["lottery.played"] == 1
    assert events["reward.awarded" if variant == "award" else "voucher.issued"] == 1
    assert [s["status"] for s in spins_of(api, merchant, number)] == ["played"]
