"""GET /v1/analytics: figures after real sales, refunds, redemptions and rejected codes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import update

from gateway.models import StampEntry
from tests.support.analytics import ALICE, BOB, busy_day, sale
from tests.support.api import Api
from tests.support.codes import post
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

KYIV = ZoneInfo("Europe/Kyiv")


def analytics(api: Api, merchant: dict[str, Any], **query: str) -> Any:
    """GET /v1/analytics with a query."""
    return api.call("GET", "/v1/analytics", merchant["api_key"], query_string=query)


def test_the_figures_of_a_busy_day(api: Api, merchant: dict[str, Any]) -> None:
    busy_day(api, merchant)
    body = analytics(api, merchant).get_json()
    assert body["stamps"] == {"given": 8, "reversed": 1, "net": 7}
    assert body["rewards"] == {"goals": 1, "milestones": 3, "total": 4}
    assert body["vouchers"] == {"issued": 2, "redeemed": 2, "expired": 0}
    assert body["redemption_rate"] == 1.0
    assert body["rejected_code_attempts"] == {
        "total": 2,
        "by_reason": {"already_redeemed": 1, "other_customer": 1},
    }
    rows = {row.pop("location"): row for row in body["locations"]}
    assert rows == {
        "main": {
            "stamps_given": 6,
            "stamps_reversed": 1,
            "rewards": 2,
            "vouchers_issued": 1,
            "vouchers_redeemed": 1,
            "rejected_code_attempts": 1,
        },
        "terrace": {
            "stamps_given": 2,
            "stamps_reversed": 0,
            "rewards": 1,
            "vouchers_issued": 0,
            "vouchers_redeemed": 1,
            "rejected_code_attempts": 1,
        },
        None: {
            "stamps_given": 0,
            "stamps_reversed": 0,
            "rewards": 1,
            "vouchers_issued": 1,
            "vouchers_redeemed": 0,
            "rejected_code_attempts": 0,
        },
    }
    assert body["staff"] == [
        {"staff": "bar-1", "stamps_given": 2, "vouchers_redeemed": 1},
        {"staff": None, "stamps_given": 6, "vouchers_redeemed": 1},
    ]
    today = dt.datetime.now(KYIV).date()
    assert (body["to"], body["timezone"]) == (today.isoformat(), "Europe/Kyiv")
    assert body["from"] == (today - dt.timedelta(days=29)).isoformat()
    assert len(body["days"]) == 30
    assert body["days"][-1] == {"date": today.isoformat(), "stamps": 8, "redemptions": 2}
    assert all(day["stamps"] == 0 for day in body["days"][:-1])


def test_the_location_filter_counts_one_place(api: Api, merchant: dict[str, Any]) -> None:
    busy_day(api, merchant)
    body = analytics(api, merchant, location="terrace").get_json()
    assert body["location"] == "terrace"
    assert body["stamps"] == {"given": 2, "reversed": 0, "net": 2}
    assert body["rewards"]["total"] == 1
    assert body["vouchers"] == {"issued": 0, "redeemed": 1, "expired": 0}
    assert body["redemption_rate"] is None  # nothing issued there
    assert body["rejected_code_attempts"]["by_reason"] == {"already_redeemed": 1}
    assert [row["location"] for row in body["locations"]] == ["terrace"]
    assert body["staff"] == [{"staff": None, "stamps_given": 2, "vouchers_redeemed": 1}]


def test_a_period_before_the_activity_is_empty(api: Api, merchant: dict[str, Any]) -> None:
    busy_day(api, merchant)
    yesterday = dt.datetime.now(KYIV).date() - dt.timedelta(days=1)
    first = yesterday - dt.timedelta(days=6)
    body = analytics(api, merchant, **{"from": first.isoformat(), "to": yesterday.isoformat()})
    body = body.get_json()
    assert body["stamps"] == {"given": 0, "reversed": 0, "net": 0}
    assert body["vouchers"] == {"issued": 0, "redeemed": 0, "expired": 0}
    assert (body["locations"], body["staff"]) == ([], [])
    assert next(day["date"] for day in body["days"]) == first.isoformat()
    assert len(body["days"]) == 7


def test_days_end_at_midnight_in_the_merchants_time_zone(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    assert post(api, merchant, "/v1/programs", nine_stamp_card()).status_code == 201
    sale(api, merchant, "T-1", customer=ALICE)
    sale(api, merchant, "T-2", customer=BOB)
    # Kyiv is UTC+2 in winter: 21:59:59Z is still 1 December there, 22:00Z is 2 December.
    moments = {"T-1": "2026-12-01T21:59:59Z", "T-2": "2026-12-01T22:00:00Z"}
    with app.extensions["stampgate"].session_factory() as session:
        for tx, moment in moments.items():
            sale_id = session.scalar(
                StampEntry.__table__.select()
                .with_only_columns(StampEntry.sale_id)
                .where(StampEntry.merchant_id == merchant["id"])
                .order_by(StampEntry.id)
                .offset(int(tx[-1]) - 1)
            )
            session.execute(
                update(StampEntry)
                .where(StampEntry.sale_id == sale_id)
                .values(created_at=dt.datetime.fromisoformat(moment))
            )
        session.commit()
    body = analytics(api, merchant, **{"from": "2026-12-01", "to": "2026-12-02"}).get_json()
    assert body["starts_at"] == "2026-11-30T22:00:00Z"
    assert body["ends_at"] == "2026-12-02T22:00:00Z"
    assert [(d["date"], d["stamps"]) for d in body["days"]] == [
        ("2026-12-01", 1),
        ("2026-12-02", 1),
    ]
    only_first = analytics(api, merchant, **{"from": "2026-12-01", "to": "2026-12-01"})
    assert only_first.get_json()["stamps"]["given"] == 1


def test_another_merchants_figures_never_count(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    busy_day(api, merchant)
    body = analytics(api, other_merchant).get_json()
    assert body["stamps"] == {"given": 0, "reversed": 0, "net": 0}
    assert body["rewards"]["total"] == 0
    assert body["vouchers"] == {"issued": 0, "redeemed": 0, "expired": 0}
    assert body["rejected_code_attempts"] == {"total": 0, "by_reason": {}}
    assert (body["locations"], body["staff"]) == ([], [])


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to", "must not be before `from`"),
        ({"from": "2025-01-01", "to": "2026-12-01"}, "to", "must be at most 400 days"),
        ({"from": "2020-01-01"}, "from", "must be at most 400 days before `to`"),
        ({"from": "2026-13-01"}, "from", "date"),
        ({"to": "yesterday"}, "to", "date"),
        ({"location": ""}, "location", "must not be empty"),
    ],
)
def test_a_bad_period_names_its_field(
    api: Api, merchant: dict[str, Any], query: dict[str, str], field: str, message: str
) -> None:
    body = assert_problem(analytics(api, merchant, **query), 422, "validation_error")
    assert [error["loc"] for error in body["errors"]] == [[field]]
    assert message in body["errors"][0]["msg"]
