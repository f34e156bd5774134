"""Code lookups are limited per API key and per location; a run of unknown codes locks out."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

from flask import Flask
from sqlalchemy import select

from gateway.models import ApiKey
from tests.app.test_rate_limits import assert_too_many
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body
from tests.support.services import REDIS_URL, redis_client
from webhooks.payloads import FraudSuspectedData


class Till:
    """One API key of a merchant checking and redeeming codes at the till."""

    def __init__(self, app: Flask, merchant: dict[str, Any] | None = None) -> None:
        self.app = app
        self.api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token or "")
        self.merchant = merchant or self.api.create_merchant("Pizza place")
        self.key = self.merchant["api_key"]
        self.tried: list[str] = []

    def check(self, code: str, location: str | None = "main") -> Any:
        body = {"code": code, "location": location}
        return self.api.call("POST", "/v1/codes/check", self.key, json=body)

    def redeem(self, code: str, location: str | None = "main") -> Any:
        body = {"code": code, "location": location, "pos_transaction_id": uuid.uuid4().hex}
        return self.api.call("POST", "/v1/codes/redeem", self.key, json=body)

    def voucher_code(self) -> str:
        """A new active voucher with a unique code."""
        voucher = give(
            self.api, self.merchant, code_voucher(UNIQUE), new_card(self.api, self.merchant)
        )
        code: str = voucher["code"]
        return code

    def fraud_events(self) -> list[dict[str, Any]]:
        response = self.api.call("GET", "/v1/events?type=fraud.suspected", self.key)
        assert response.status_code == 200, response.get_json()
        items: list[dict[str, Any]] = response.get_json()["items"]
        return items

    def guess(self, count: int, location: str | None = "main") -> None:
        """``count`` unknown codes, each answered (not refused)."""
        for _ in range(count):
            self.tried.append(f"PZ-{uuid.uuid4().hex[:4]}-{uuid.uuid4().hex[:4]}".upper())
            checked = self.check(self.tried[-1], location)
            assert checked.status_code == 200, checked.get_json()
            assert checked.get_json()["reason"] == "unknown_code"


def test_lookups_are_limited_per_key_and_another_key_passes(
    make_app: Callable[..., Flask],
) -> None:
    till = Till(make_app(limit_code_attempts_per_key="4/minute"))
    code = till.voucher_code()
    for location in ("main", "bar", None, "terrace"):
        assert till.check(code, location).get_json()["valid"] is True
    assert_too_many(till.check(code, "patio"), 60)
    assert_too_many(till.redeem(code, "patio"), 60)
    second = till.api.call("POST", "/v1/api-keys", till.key, json={"label": "till 2"}).get_json()
    other = Till(till.app, {**till.merchant, "api_key": second["api_key"]})
    assert other.check(code).get_json()["valid"] is True


def test_lookups_are_limited_per_location(make_app: Callable[..., Flask]) -> None:
    till = Till(make_app(limit_code_attempts_per_location="2/minute"))
    code = till.voucher_code()
    assert till.check(code, "main").status_code == 200
    assert till.check(code, "main").status_code == 200
    assert_too_many(till.check(code, "main"), 60)
    assert till.check(code, "bar").status_code == 200
    assert till.redeem(code, "bar").status_code == 200


def test_a_run_of_unknown_codes_locks_the_location_out_and_is_reported(app: Flask) -> None:
    till = Till(app)
    code = till.voucher_code()
    till.guess(10)  # the default: 10 unknown codes in a row
    assert_too_many(till.check("PZ-0000-GUES"), 900)
    # Locked out even for a good code, at that location, for the window (15 min by default).
    assert_too_many(till.redeem(code), 900)
    assert_too_many(
        till.api.call("POST", "/v1/codes/hold", till.key, json={"code": code, "location": "main"}),
        900,
    )
    # Another location of the key is still served.
    assert till.redeem(code, "bar").status_code == 200
    (event,) = till.fraud_events()
    data = event["data"]
    FraudSuspectedData.model_validate(data)
    with app.extensions["stampgate"].session_factory() as session:
        key_id = session.scalar(select(ApiKey.id).where(ApiKey.merchant_id == till.merchant["id"]))
    assert data["api_key_id"] == key_id
    assert data["location"] == "main"
    assert data["scope"] == "location"
    assert data["unknown_codes"] == 10
    assert data["window_seconds"] == 900
    assert data["last_code_shape"] == "PZ-****-****"
    assert not [tried for tried in till.tried if tried in json.dumps(event)]
    assert code not in json.dumps(event)


def test_runs_of_one_key_across_locations_lock_the_key_out(make_app: Callable[..., Flask]) -> None:
    till = Till(make_app(code_lockout_after=5, code_lockout_after_per_key=12))
    for location in ("a", "b", "c"):
        till.guess(4, location)  # below the location's threshold each time
    assert_too_many(till.check("PZ-1234-ABCD", "d"), 900)
    (event,) = till.fraud_events()
    assert event["data"]["scope"] == "key"
    assert event["data"]["unknown_codes"] == 12


def test_the_same_unknown_code_again_is_no_new_guess(app: Flask) -> None:
    till = Till(app)
    for _ in range(25):  # a cashier retrying a typo, a POS promotion that is no voucher
        assert till.check("SUMMER10").get_json()["reason"] == "unknown_code"
        assert_problem(till.redeem(" summer10 "), 404, "unknown_code")
    till.guess(8)  # SUMMER10 counted once: 9 in this run
    assert till.check(till.voucher_code()).get_json()["valid"] is True
    assert till.fraud_events() == []


def test_a_redemption_ends_the_run_and_a_valid_check_does_not(app: Flask) -> None:
    till = Till(app)
    till.guess(9)
    assert till.redeem(till.voucher_code()).status_code == 200
    till.guess(9)  # a new run: 9 more are still answered
    assert till.check(till.voucher_code()).get_json()["valid"] is True  # checking resets nothing
    assert_problem(till.redeem("PZ-9999-NOPE"), 404, "unknown_code")  # the 10th in this run
    assert_too_many(till.check("PZ-9999-NOPE"), 900)
    assert len(till.fraud_events()) == 1


def test_promo_codes_on_api_sales_count_and_are_refused_while_locked_out(app: Flask) -> None:
    till = Till(app)
    till.api.call("POST", "/v1/programs", till.key, json=nine_stamp_card())
    guesses = [f"PZ-{number:04d}-GUES" for number in range(10)]
    first = post_sale(till.api, till.merchant, sale_body("T-1", promo_codes=guesses))
    assert first.status_code == 201, first.get_json()
    assert {r["reason"] for r in first.get_json()["redemptions"]} == {"unknown_code"}
    (event,) = till.fraud_events()
    assert event["data"]["operation"] == "sale"
    assert event["data"]["location"] == "main"
    # While locked out, a sale carrying codes waits (the POS retries it: sales are idempotent);
    # a sale without codes still earns its stamps.
    with_code = sale_body("T-2", promo_codes=["PZ-AAAA-AAAA"])
    assert_too_many(post_sale(till.api, till.merchant, with_code), 900)
    assert post_sale(till.api, till.merchant, sale_body("T-3")).status_code == 201
    assert_problem(till.check("PZ-AAAA-AAAA"), 429, "too_many_attempts")


def test_the_lockout_ends_when_its_window_passes(make_app: Callable[..., Flask]) -> None:
    till = Till(make_app(code_lockout_after=2, code_lockout_seconds=1))
    till.guess(2)
    assert_too_many(till.check("PZ-0000-GUES"), 1)
    time.sleep(1.1)
    assert till.check("PZ-0000-GUES").get_json()["reason"] == "unknown_code"


def test_a_lockout_in_redis_holds_for_every_process(
    make_app: Callable[..., Flask], redis_prefix: str
) -> None:
    shared = {"redis_url": REDIS_URL, "rate_limit_key_prefix": redis_prefix}
    one = Till(make_app(**shared))
    two = Till(make_app(**shared), one.merchant)
    one.guess(10)
    assert_too_many(two.check("PZ-0000-GUES"), 900)
    key_id = one.fraud_events()[0]["data"]["api_key_id"]
    client = redis_client()
    ttl = cast(int, client.ttl(f"{redis_prefix}:code-lock/{key_id}@main"))
    client.close()
    assert 0 < ttl <= 900
