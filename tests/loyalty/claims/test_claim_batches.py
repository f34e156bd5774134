"""Delivery inserts: a batch of one-time claim links, each worth the same stamps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from gateway.db import utcnow
from gateway.loyalty.claims.models import Claim
from gateway.loyalty.claims.service import ClaimRefusedError
from gateway.timestamps import iso_utc
from tests.support.api import Api
from tests.support.claims import claim_by_phone, make_program
from tests.support.events import event_data
from tests.support.problems import assert_problem

LATER = "2099-01-01T00:00:00Z"


def _batch(api: Api, merchant: dict[str, Any], **changes: Any) -> Any:
    body = {"count": 3, "stamps": 2, "valid_until": LATER, **changes}
    return api.call("POST", "/v1/claim-batches", merchant["api_key"], json=body)


def _inserts(api: Api, merchant: dict[str, Any], batch_id: str, **query: Any) -> Any:
    path = f"/v1/claim-batches/{batch_id}/inserts"
    return api.call("GET", path, merchant["api_key"], query_string=query).get_json()


def test_a_batch_makes_one_time_inserts(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    program = make_program(api, merchant)
    created = _batch(api, merchant, program_id=program["id"])
    assert created.status_code == 201, created.get_json()
    batch = created.get_json()
    assert (batch["count"], batch["stamps"], batch["claimed"]) == (3, 2, 0)
    assert batch["valid_until"] == LATER
    inserts = _inserts(api, merchant, batch["id"])["items"]
    assert len({insert["claim_url"] for insert in inserts}) == 3
    assert all(i["qr_png_url"] == i["claim_url"] + "/qr.png" for i in inserts)
    first = claim_by_phone(app, inserts[0]["claim_url"], "+380501234567")
    assert first.stamps_added == 2
    assert first.card.stamps == 2
    stamped = event_data(app, "card.stamped")
    assert [(e["kind"], e["sale_id"], e["added"]) for e in stamped] == [("insert", None, 2)]
    with pytest.raises(ClaimRefusedError):
        claim_by_phone(app, inserts[0]["claim_url"], "+380501234567")
    rejected = event_data(app, "claim.rejected")
    assert [(e["kind"], e["batch_id"], e["reason"]) for e in rejected] == [
        ("insert", batch["id"], "already_claimed")
    ]
    second = claim_by_phone(app, inserts[1]["claim_url"], "+380501234567")
    assert second.card.id == first.card.id
    assert second.card.stamps == 4
    read = api.call("GET", f"/v1/claim-batches/{batch['id']}", merchant["api_key"]).get_json()
    assert read["claimed"] == 2
    listed = api.call("GET", "/v1/claim-batches", merchant["api_key"]).get_json()["items"]
    assert [item["id"] for item in listed] == [batch["id"]]
    claimed = [item["claimed_at"] for item in _inserts(api, merchant, batch["id"])["items"]]
    assert len([at for at in claimed if at is not None]) == 2


def test_inserts_page_through_the_batch(api: Api, merchant: dict[str, Any]) -> None:
    program = make_program(api, merchant)
    batch = _batch(api, merchant, program_id=program["id"], count=5).get_json()
    first = _inserts(api, merchant, batch["id"], limit=3)
    rest = _inserts(api, merchant, batch["id"], limit=3, cursor=first["next_cursor"])
    assert len(first["items"]) == 3
    assert len(rest["items"]) == 2
    assert rest["next_cursor"] is None


def test_inserts_expire_with_their_batch(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    program = make_program(api, merchant)
    batch = _batch(api, merchant, program_id=program["id"], count=1).get_json()
    url = _inserts(api, merchant, batch["id"])["items"][0]["claim_url"]
    with app.extensions["stampgate"].session_factory() as session:
        past = utcnow() - timedelta(minutes=1)
        session.execute(update(Claim).values(expires_at=past))
        session.commit()
    with pytest.raises(ClaimRefusedError) as refused:
        claim_by_phone(app, url, "+380501234567")
    assert refused.value.reason == "expired"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 1001}, "count"),
        ({"stamps": 0}, "stamps"),
        ({"valid_until": "2020-01-01T00:00:00Z"}, "valid_until"),
        ({"valid_until": "2099-01-01T00:00:00"}, "valid_until"),
    ],
)
def test_a_batch_out_of_bounds_is_refused_with_its_field(
    api: Api, merchant: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    program = make_program(api, merchant)
    response = _batch(api, merchant, program_id=program["id"], **changes)
    body = assert_problem(response, 422, "validation_error")
    assert [error["loc"] for error in body["errors"]] == [[field]]
    assert api.call("GET", "/v1/claim-batches", merchant["api_key"]).get_json()["items"] == []


def test_a_batch_of_another_merchants_program_is_not_found(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    theirs = make_program(api, other_merchant)
    assert_problem(_batch(api, merchant, program_id=theirs["id"]), 404, "not_found")


def test_valid_until_is_answered_in_utc(api: Api, merchant: dict[str, Any]) -> None:
    program = make_program(api, merchant)
    later = utcnow() + timedelta(days=30)
    offset = later.astimezone().isoformat()
    batch = _batch(api, merchant, program_id=program["id"], valid_until=offset).get_json()
    assert batch["valid_until"] == iso_utc(later)


def test_a_batch_sent_again_with_its_idempotency_key_is_made_once(
    api: Api, merchant: dict[str, Any]
) -> None:
    program = make_program(api, merchant)
    body = {"program_id": program["id"], "count": 2, "stamps": 1, "valid_until": LATER}
    headers = {"Idempotency-Key": "batch-1"}
    first = api.call("POST", "/v1/claim-batches", merchant["api_key"], json=body, headers=headers)
    again = api.call("POST", "/v1/claim-batches", merchant["api_key"], json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    listed = api.call("GET", "/v1/claim-batches", merchant["api_key"]).get_json()["items"]
    assert len(listed) == 1
