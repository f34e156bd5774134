"""The campaigns API: create, read, list, preview, cancel, and each refusal's stable code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gateway.campaigns.rules import graphemes
from gateway.db import utcnow
from gateway.timestamps import iso_utc
from tests.campaigns.conftest import Shop
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import DESSERT_VOUCHER, FREE_COFFEE


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Coffee's waiting ☕", 18),
        ("👩‍👩‍👧‍👦", 1),  # a family: four people joined by zero-width joiners
        ("🇺🇦🇯🇵", 2),  # two flags, each a pair of regional indicators
        ("e\u0301e\u0301", 2),  # e + combining acute accent, twice
        ("한국어", 3),
        ("👍🏽", 1),  # a thumb with its skin tone
    ],
)
def test_push_text_is_counted_in_user_perceived_characters(text: str, count: int) -> None:
    assert graphemes(text) == count


def test_twenty_emoji_with_marks_fit_and_twenty_one_do_not(shop: Shop) -> None:
    shop.card()
    twenty = "👩‍👩‍👧‍👦" * 10 + "e\u0301" * 10  # 20 clusters, far more code points
    assert len(twenty) > 20
    assert shop.create(push_text=twenty)["push_text"] == twenty
    response = shop.call("POST", "/v1/campaigns", json=shop.body(push_text=twenty + "☕"))
    body = assert_problem(response, 422, "push_text_too_long")
    assert body["errors"][0]["loc"] == ["push_text"]


def test_a_created_campaign_reads_back_with_its_default_name(shop: Shop) -> None:
    shop.card()
    send_at = utcnow() + timedelta(hours=2)
    created = shop.create(send_at=iso_utc(send_at), voucher=DESSERT_VOUCHER)
    assert created["id"].startswith("cmp_")
    assert created["status"] == "scheduled"
    # <program name>_<dd.mm.yyyyHH:MM> of the send time, in the merchant's zone (Kyiv).
    local = send_at.astimezone(ZoneInfo("Europe/Kyiv"))
    assert created["name"] == f"Coffee card_{local:%d.%m.%Y%H:%M}"
    assert created["voucher"]["description"] == DESSERT_VOUCHER["description"]
    assert created["progress"] == {
        "total": 0,
        "pending": 0,
        "sent": 0,
        "failed": 0,
        "skipped": 0,
        "cancelled": 0,
    }
    assert shop.ok("GET", f"/v1/campaigns/{created['id']}") == created


def test_the_default_name_is_in_the_merchants_time_zone(api: Api) -> None:
    merchant = api.create_merchant("Tokyo Cafe", timezone="Asia/Tokyo")
    shop = Shop(api=api, merchant=merchant, app=api.client.application)
    shop.card()
    created = shop.create(send_at="2099-07-01T21:30:00Z")
    assert created["name"] == "Coffee card_02.07.209906:30"  # UTC+9


def test_campaigns_list_newest_first_in_pages_and_by_status(shop: Shop) -> None:
    shop.card()
    made = [shop.create(name=f"c{n}", send_at="2099-01-01T00:00:00Z")["id"] for n in range(3)]
    first = shop.ok("GET", "/v1/campaigns", query_string={"limit": 2})
    assert [item["id"] for item in first["items"]] == made[:0:-1]
    rest = shop.ok("GET", "/v1/campaigns", query_string={"cursor": first["next_cursor"]})
    assert [item["id"] for item in rest["items"]] == [made[0]]
    assert rest["next_cursor"] is None
    shop.ok("POST", f"/v1/campaigns/{made[1]}/cancel")
    cancelled = shop.ok("GET", "/v1/campaigns", query_string={"status": "cancelled"})
    assert [item["id"] for item in cancelled["items"]] == [made[1]]


def test_preview_counts_recipients_per_channel_and_writes_nothing(shop: Shop) -> None:
    shop.card(mail=True)
    shop.card(mail=True)
    shop.card()  # an address, but no consent: not an e-mail recipient
    shop.card(email=False)
    channels = ["wallet", "email", "messenger"]
    preview = shop.preview(channels=channels, message_text="Hello")
    assert preview == {"recipients": 4, "channels": {"wallet": 4, "email": 2, "messenger": 4}}
    only_email = shop.preview(channels=["email"], message_text="Hello", push_text=None)
    assert only_email["channels"] == {"email": 2}  # only the channels asked for
    empty = shop.preview(segment={"kind": "near_goal", "stamps_left": 1})
    assert empty["recipients"] == 0
    assert shop.ok("GET", "/v1/campaigns")["items"] == []


def test_an_empty_segment_is_refused_at_create(shop: Shop) -> None:
    shop.card()
    body = shop.body(segment={"kind": "near_goal", "stamps_left": 1})
    response = shop.call("POST", "/v1/campaigns", json=body)
    assert_problem(response, 422, "empty_segment")
    assert shop.ok("GET", "/v1/campaigns")["items"] == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"push_text": None}, "channel_text_missing", "push_text"),
        ({"channels": ["wallet", "email"]}, "channel_text_missing", "message_text"),
        ({"channels": ["messenger"], "push_text": None}, "channel_text_missing", "message_text"),
        ({"voucher": FREE_COFFEE}, "not_a_voucher_reward", "voucher"),
        ({"send_at": "2020-01-01T00:00:00Z"}, "send_at_in_past", "send_at"),
    ],
)
def test_bad_campaigns_are_refused_with_their_code(
    shop: Shop, changes: dict[str, Any], code: str, field: str
) -> None:
    shop.card()
    for path in ("/v1/campaigns", "/v1/campaigns/preview"):
        body = assert_problem(shop.call("POST", path, json=shop.body(**changes)), 422, code)
        assert body["errors"][0]["loc"] == [field]
    assert shop.ok("GET", "/v1/campaigns")["items"] == []


def test_shapes_that_are_not_campaigns_are_validation_errors(shop: Shop) -> None:
    shapes: tuple[dict[str, Any], ...] = (
        {"channels": []},
        {"channels": ["sms"]},
        {"segment": {"kind": "birthday"}},
        {"segment": {"kind": "inactive"}},
        {"send_at": "2099-01-01T00:00:00"},  # no offset
    )
    for changes in shapes:
        response = shop.call("POST", "/v1/campaigns", json=shop.body(**changes))
        assert_problem(response, 422, "validation_error")


def test_cancel_a_scheduled_campaign_then_again(shop: Shop) -> None:
    shop.card()
    created = shop.create(send_at="2099-01-01T00:00:00Z")
    cancelled = shop.ok("POST", f"/v1/campaigns/{created['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_at"] is not None
    again = shop.call("POST", f"/v1/campaigns/{created['id']}/cancel")
    assert_problem(again, 409, "campaign_finished")


def test_another_merchants_campaigns_and_programs_do_not_exist(
    shop: Shop, api: Api, other_merchant: dict[str, Any]
) -> None:
    shop.card()
    created = shop.create(send_at="2099-01-01T00:00:00Z")
    other = Shop(api=api, merchant=other_merchant, app=shop.app)
    for method, path in (
        ("GET", f"/v1/campaigns/{created['id']}"),
        ("POST", f"/v1/campaigns/{created['id']}/cancel"),
    ):
        assert_problem(other.call(method, path), 404, "not_found")
    assert other.ok("GET", "/v1/campaigns")["items"] == []
    foreign = other.call("POST", "/v1/campaigns", json=shop.body())
    assert_problem(foreign, 404, "not_found")
    assert shop.ok("GET", f"/v1/campaigns/{created['id']}")["status"] == "scheduled"


def test_a_send_time_at_the_end_of_time_is_named_in_utc(api: Api) -> None:
    shop = Shop(
        api=api,
        merchant=api.create_merchant("Tokyo Cafe", timezone="Asia/Tokyo"),
        app=api.client.application,
    )
    shop.card()
    created = shop.create(send_at="9999-12-31T23:59:00Z")
    assert created["name"] == "Coffee card_31.12.999923:59"
