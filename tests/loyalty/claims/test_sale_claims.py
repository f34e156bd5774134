"""Claim links of unattributed sales: issued with the sale, claimed once, refused after."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.loyalty.claims.models import Claim
from gateway.loyalty.claims.service import ClaimRefusedError, claim_to_card, find_claim, offer
from tests.support.api import Api
from tests.support.claims import claim_by_phone, make_program, token_of, unattributed_sale
from tests.support.events import event_data
from tests.support.programs import lottery
from tests.support.sales import post_sale, sale_body

PHONE = "+380501234567"


def _get(api: Api, merchant: dict[str, Any], path: str) -> Any:
    response = api.call("GET", path, merchant["api_key"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_unattributed_sale_carries_a_claim_link(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    sale = unattributed_sale(api, merchant)
    public_url = app.extensions["stampgate"].settings.public_url.rstrip("/")
    assert sale["status"] == "unattributed"
    assert sale["claim_url"].startswith(f"{public_url}/claim/")
    token = token_of(sale["claim_url"])
    assert len(token) == 22
    assert sale["id"] not in token
    assert merchant["id"] not in token
    assert _get(api, merchant, f"/v1/sales/{sale['id']}")["claim_url"] == sale["claim_url"]
    listed = _get(api, merchant, "/v1/sales")["items"]
    assert [item["claim_url"] for item in listed] == [sale["claim_url"]]
    again = post_sale(api, merchant, sale_body("T-anon", customer={}))
    assert (again.status_code, again.get_json()["claim_url"]) == (200, sale["claim_url"])


def test_sales_with_a_customer_or_no_stamps_have_no_claim_link(
    api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 1, "min_total": 1000}])
    attributed = post_sale(api, merchant, sale_body("T-1", total=2000)).get_json()
    worthless = unattributed_sale(api, merchant, "T-2", total=500)
    assert attributed["status"] == "processed"
    assert attributed["claim_url"] is None
    assert worthless["status"] == "unattributed"
    assert worthless["claim_url"] is None


def test_a_claim_gives_the_sale_to_the_card_of_the_phone_once(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    sale = unattributed_sale(api, merchant)
    outcome = claim_by_phone(app, sale["claim_url"], "050 123 4567")  # national: Ukraine's
    assert outcome.stamps_added == 2
    assert outcome.card.phone == PHONE
    assert outcome.spin is None
    card = _get(api, merchant, f"/v1/cards/{outcome.card.number}")
    assert card["stamps"] == 2
    stored = _get(api, merchant, f"/v1/sales/{sale['id']}")
    assert stored["status"] == "processed"
    assert stored["card_number"] == card["number"]
    assert stored["stamps_added"] == 2
    assert stored["claim_url"] is None
    assert [e["enrolled_by"] for e in event_data(app, "card.created")] == ["claim"]
    stamped = event_data(app, "card.stamped")
    assert [(e["kind"], e["sale_id"], e["added"]) for e in stamped] == [("sale", sale["id"], 2)]
    claimed = event_data(app, "sale.claimed")
    assert [(e["id"], e["card_number"], e["stamps_added"]) for e in claimed] == [
        (sale["id"], card["number"], 2)
    ]
    with pytest.raises(ClaimRefusedError) as refused:
        claim_by_phone(app, sale["claim_url"], "+380507654321")
    assert refused.value.reason == "already_claimed"
    rejected = event_data(app, "claim.rejected")
    assert [(e["reason"], e["sale_id"]) for e in rejected] == [("already_claimed", sale["id"])]
    assert _get(api, merchant, f"/v1/cards/{card['number']}")["stamps"] == 2


def test_a_claimed_sale_is_refunded_like_an_attributed_one(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    sale = unattributed_sale(api, merchant)
    number = claim_by_phone(app, sale["claim_url"], PHONE).card.number
    refund = api.call(
        "POST", f"/v1/sales/{sale['id']}/refunds", merchant["api_key"], json={"refund_id": "R-1"}
    )
    assert refund.get_json()["stamps_reversed"] == 2
    assert _get(api, merchant, f"/v1/cards/{number}")["stamps"] == 0


def test_a_refunded_sale_cannot_be_claimed(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    make_program(api, merchant)
    sale = unattributed_sale(api, merchant)
    api.call(
        "POST", f"/v1/sales/{sale['id']}/refunds", merchant["api_key"], json={"refund_id": "R-1"}
    )
    with pytest.raises(ClaimRefusedError) as refused:
        claim_by_phone(app, sale["claim_url"], PHONE)
    assert refused.value.reason == "refunded"
    assert [e["reason"] for e in event_data(app, "claim.rejected")] == ["refunded"]
    assert event_data(app, "card.created") == []


def test_an_expired_link_is_refused_when_opened_and_when_claimed(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    sale = unattributed_sale(api, merchant)
    session_factory = app.extensions["stampgate"].session_factory
    with session_factory() as session:
        session.execute(update(Claim).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
        assert offer(session, token_of(sale["claim_url"])).refusal == "expired"
    with pytest.raises(ClaimRefusedError) as refused:
        claim_by_phone(app, sale["claim_url"], PHONE)
    assert refused.value.reason == "expired"
    assert [e["reason"] for e in event_data(app, "claim.rejected")] == ["expired", "expired"]


def test_the_claim_link_lasts_the_configured_days(
    make_app: Any, api: Api, merchant: dict[str, Any]
) -> None:
    app = make_app(claim_valid_days=30)
    client_api = Api(app.test_client(), api.admin_token)
    make_program(client_api, merchant)
    sale = unattributed_sale(client_api, merchant)
    with app.extensions["stampgate"].session_factory() as session:
        claim = find_claim(session, token_of(sale["claim_url"]))
        left = claim.expires_at - utcnow()
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


def test_a_phone_is_validated_with_the_merchants_country(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    sale = unattributed_sale(api, merchant)
    with pytest.raises(DomainError) as invalid:
        claim_by_phone(app, sale["claim_url"], "12")
    assert invalid.value.code == "validation_error"
    assert invalid.value.detail.startswith("phone: ")
    assert event_data(app, "card.created") == []
    assert event_data(app, "claim.rejected") == []


def test_a_claim_goes_to_a_held_card_of_the_program_only(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    program = make_program(api, merchant)
    other = make_program(api, merchant, name="Other card")
    sale = unattributed_sale(api, merchant, program_id=program["id"])
    created = api.call("POST", "/v1/cards", merchant["api_key"], json={"program_id": other["id"]})
    stranger = created.get_json()["id"]
    own = api.call("POST", "/v1/cards", merchant["api_key"], json={"program_id": program["id"]})
    session_factory = app.extensions["stampgate"].session_factory
    with session_factory() as session, pytest.raises(ClaimRefusedError) as refused:
        claim_to_card(session, token_of(sale["claim_url"]), stranger)
    assert refused.value.reason == "other_program"
    with session_factory() as session:
        outcome = claim_to_card(session, token_of(sale["claim_url"]), own.get_json()["id"])
    assert outcome.card.number == own.get_json()["number"]
    assert outcome.stamps_added == 1


def test_a_claim_that_completes_a_lottery_card_gives_its_spin(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, stamps_goal=1, milestones=[], reward=lottery(("award", "100.00")))
    sale = unattributed_sale(api, merchant)
    outcome = claim_by_phone(app, sale["claim_url"], PHONE)
    assert outcome.spin is not None
    assert outcome.spin.status == "pending"
    assert outcome.spin.source_sale_id == sale["id"]


def test_forged_and_other_shaped_tokens_are_unknown(app: Flask) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        for token in ("A" * 22, "short", "x" * 200, "../../etc"):
            with pytest.raises(DomainError) as unknown:
                find_claim(session, token)
            assert unknown.value.code == "not_found"


def test_concurrent_claims_of_one_link_give_its_stamps_once(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    sale = unattributed_sale(api, merchant)

    def claim(number: int) -> str:
        try:
            claim_by_phone(app, sale["claim_url"], f"+38050{7000000 + number}")
        except ClaimRefusedError as refused:
            return refused.reason
        return "claimed"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(claim, range(6)))
    assert sorted(outcomes) == ["already_claimed"] * 5 + ["claimed"]
    assert len(event_data(app, "card.stamped")) == 1
    assert len(event_data(app, "card.created")) == 1
    assert len(event_data(app, "sale.claimed")) == 1
