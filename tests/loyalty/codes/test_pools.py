"""Code pools: imports (CSV and JSON) with per-line reports, issuing from a pool, running dry."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.models import PoolCode
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card, new_pool, post
from tests.support.events import stored_events
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card


def _upload_csv(api: Api, merchant: dict[str, Any], pool_id: str, text: str) -> Any:
    return api.call(
        "POST",
        f"/v1/code-pools/{pool_id}/codes",
        merchant["api_key"],
        data=text.encode(),
        headers={"Content-Type": "text/csv"},
    )


def _pool(api: Api, merchant: dict[str, Any], pool_id: str) -> dict[str, Any]:
    body: dict[str, Any] = api.call(
        "GET", f"/v1/code-pools/{pool_id}", merchant["api_key"]
    ).get_json()
    return body


def test_a_csv_import_keeps_good_rows_and_reports_the_rest_by_line(
    api: Api, merchant: dict[str, Any]
) -> None:
    pool_id = new_pool(api, merchant, ["EXISTING-1"])
    csv_text = (
        "id,code,status\n"
        "1,POS-AAA1,new\n"
        "2, pos-aaa1 ,new\n"  # the same code again, other case and spaces
        "3,,new\n"
        "\n"
        f"4,{'X' * 65},new\n"
        "5,existing-1,new\n"
        '6,"POS-AAA2",new\n'
        "7\n"
    )
    response = _upload_csv(api, merchant, pool_id, csv_text)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["added"] == 2
    assert [(r["line"], r["reason"]) for r in report["skipped"]] == [
        (3, "duplicate"),
        (7, "duplicate"),
    ]
    assert [(r["line"], r["reason"]) for r in report["rejected"]] == [
        (4, "empty"),
        (6, "too_long"),
        (9, "empty"),
    ]
    assert (report["pool"]["available"], report["pool"]["taken"]) == (3, 0)


def test_json_imports_dedupe_and_codes_in_use_elsewhere_are_skipped(
    api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE), number)
    first = new_pool(api, merchant, ["ONE", "TWO"])
    second = new_pool(api, merchant)
    body = {"codes": ["two", "THREE", voucher["code"], "Three", "bad\u200bcode"]}
    report = post(api, merchant, f"/v1/code-pools/{second}/codes", body).get_json()
    assert report["added"] == 1
    assert [(r["line"], r["reason"]) for r in report["skipped"]] == [
        (1, "in_use"),
        (3, "in_use"),
        (4, "duplicate"),
    ]
    assert report["rejected"] == [
        {"line": 5, "code": "bad\u200bcode", "reason": "invalid_characters"}
    ]
    assert _pool(api, merchant, first)["available"] == 2
    listed = api.call("GET", "/v1/code-pools", merchant["api_key"]).get_json()
    assert [item["id"] for item in listed["items"]] == [second, first]


def test_a_malformed_upload_is_refused_whole(api: Api, merchant: dict[str, Any]) -> None:
    pool_id = new_pool(api, merchant)
    not_utf8 = api.call(
        "POST",
        f"/v1/code-pools/{pool_id}/codes",
        merchant["api_key"],
        data=b"\xff\xfe\x00code",
        headers={"Content-Type": "text/csv"},
    )
    assert_problem(not_utf8, 422, "malformed_csv")
    wrong_shape = post(api, merchant, f"/v1/code-pools/{pool_id}/codes", {"codes": "A,B"})
    assert_problem(wrong_shape, 422, "validation_error")
    as_text = api.call(
        "POST",
        "/v1/code-pools",
        merchant["api_key"],
        data=b"name",
        headers={"Content-Type": "text/csv"},
    )
    assert_problem(as_text, 415, "unsupported_media_type")
    assert _pool(api, merchant, pool_id)["available"] == 0


def test_a_pool_voucher_takes_one_code_each_and_an_empty_pool_refuses_goodwill(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    pool_id = new_pool(api, merchant, ["POS-1", "POS-2"])
    number = new_card(api, merchant)
    reward = code_voucher({"mode": "pool", "pool_id": pool_id})
    codes = [give(api, merchant, reward, number)["code"] for _ in range(2)]
    assert codes == ["POS-1", "POS-2"]
    assert (_pool(api, merchant, pool_id)["available"], _pool(api, merchant, pool_id)["taken"]) == (
        0,
        2,
    )
    body = {"reward": reward, "card_number": number}
    empty = api.call("POST", "/v1/vouchers", merchant["api_key"], json=body)
    assert_problem(empty, 409, "code_pool_empty")
    assert stored_events(app, "voucher.code_pool_empty") == []


def test_concurrent_issues_never_share_a_pool_code(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    pool_id = new_pool(api, merchant, [f"POS-{n:03d}" for n in range(12)])
    number = new_card(api, merchant)
    reward = code_voucher({"mode": "pool", "pool_id": pool_id})

    def issue(_: int) -> tuple[int, str | None]:
        response = app.test_client().post(
            "/v1/vouchers",
            json={"reward": reward, "card_number": number},
            headers={"Authorization": f"Bearer {merchant['api_key']}"},
        )
        body = response.get_json()
        return response.status_code, body.get("code") or body.get("detail")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(issue, range(16)))
    issued = [code for status, code in results if status == 201]
    assert len(issued) == len(set(issued)) == 12, results
    assert sorted(status for status, _ in results).count(409) == 4
    with app.extensions["stampgate"].session_factory() as session:
        rows = session.scalars(select(PoolCode)).all()
        assert all(row.voucher_id is not None for row in rows)


def test_a_goal_on_an_empty_pool_still_gives_the_voucher_which_gets_a_code_on_refill(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    key = merchant["api_key"]
    pool_id = new_pool(api, merchant)
    reward = code_voucher({"mode": "pool", "pool_id": pool_id})
    program = api.call(
        "POST",
        "/v1/programs",
        key,
        json=nine_stamp_card(stamps_goal=1, reward=reward, milestones=[]),
    ).get_json()
    number = new_card(api, merchant, program["id"])
    stamped = post(api, merchant, f"/v1/cards/{number}/stamps", {"count": 1, "channel": "api"})
    assert stamped.status_code == 200, stamped.get_json()
    voucher = stamped.get_json()["rewards"][0]["voucher"]
    assert (voucher["status"], voucher["code"], voucher["code_mode"]) == ("active", None, "pool")
    [waiting] = stored_events(app, "voucher.code_pool_empty")
    assert (waiting.data["voucher_id"], waiting.data["pool_id"]) == (voucher["id"], pool_id)

    report = post(api, merchant, f"/v1/code-pools/{pool_id}/codes", {"codes": ["LATE-1", "LATE-2"]})
    assert (report.get_json()["added"], report.get_json()["assigned"]) == (2, 1)
    read = api.call("GET", f"/v1/vouchers/{voucher['id']}", key).get_json()
    assert read["code"] == "LATE-1"
    [assigned] = stored_events(app, "voucher.code_assigned")
    assert assigned.data["code"] == "LATE-1"
    assert _pool(api, merchant, pool_id)["available"] == 1
    redeemed = post(api, merchant, "/v1/codes/redeem", {"code": "late-1"})
    assert redeemed.status_code == 200


def test_a_reward_must_draw_from_the_merchants_own_pool(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    theirs = new_pool(api, other_merchant)
    reward = code_voucher({"mode": "pool", "pool_id": theirs})
    created = post(api, merchant, "/v1/programs", nine_stamp_card(reward=reward))
    assert_problem(created, 422, "unknown_code_pool")
    goodwill = post(api, merchant, "/v1/vouchers", {"reward": reward})
    assert_problem(goodwill, 422, "unknown_code_pool")
    assert_problem(
        api.call("GET", f"/v1/code-pools/{theirs}", merchant["api_key"]), 404, "not_found"
    )
    without_pool = code_voucher({"mode": "pool"})
    assert_problem(
        post(api, merchant, "/v1/vouchers", {"reward": without_pool}), 422, "validation_error"
    )


def test_a_pattern_too_small_for_its_volume_is_refused(api: Api, merchant: dict[str, Any]) -> None:
    small = code_voucher({"mode": "unique", "pattern": "PZ-####", "expected_volume": 50_000})
    response = post(api, merchant, "/v1/programs", nine_stamp_card(reward=small))
    assert_problem(response, 422, "pattern_too_small")
    assert "at least 8" in response.get_json()["errors"][0]["msg"]
    enough = code_voucher({"mode": "unique", "pattern": "PZ-########", "expected_volume": 50_000})
    assert post(api, merchant, "/v1/programs", nine_stamp_card(reward=enough)).status_code == 201
