"""Idempotency-Key: replay, conflict, scoping, abandoned claims, expiry, and races."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from gateway.api.idempotency import IdempotencyRecord, purge_expired
from gateway.db import utcnow
from gateway.models import ApiKey
from tests.support.api import Api
from tests.support.problems import assert_problem


def _new_key(api: Api, key: str, idempotency_key: str, label: str = "till") -> Any:
    return api.call(
        "POST",
        "/v1/api-keys",
        key,
        json={"label": label},
        headers={"Idempotency-Key": idempotency_key},
    )


def _key_count(app: Flask, merchant_id: str) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        count: int = session.scalar(
            select(func.count()).select_from(ApiKey).where(ApiKey.merchant_id == merchant_id)
        )
        return count


def test_same_key_same_body_replays_the_first_response(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    first = _new_key(api, merchant["api_key"], "req-1")
    again = _new_key(api, merchant["api_key"], "req-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _key_count(app, merchant["id"]) == 2


def test_same_key_other_body_is_a_conflict(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    _new_key(api, merchant["api_key"], "req-1", label="a")
    response = _new_key(api, merchant["api_key"], "req-1", label="b")
    assert_problem(response, 409, "idempotency_conflict")
    assert _key_count(app, merchant["id"]) == 2


def test_keys_are_scoped_per_merchant(
    app: Flask, api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    mine = _new_key(api, merchant["api_key"], "shared-key")
    theirs = _new_key(api, other_merchant["api_key"], "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]


def test_admin_posts_are_idempotent_too(api: Api) -> None:
    body = {"name": "Bakery", "currency": "EUR", "timezone": "UTC"}
    headers = {"Authorization": "Bearer test-admin-token", "Idempotency-Key": "provision-1"}
    first = api.client.post("/admin/v1/merchants", json=body, headers=headers)
    again = api.client.post("/admin/v1/merchants", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]


def _store(app: Flask, record: IdempotencyRecord) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        session.add(record)
        session.commit()


def test_a_request_still_running_blocks_its_duplicate(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    first = _new_key(api, merchant["api_key"], "req-1")
    assert first.status_code == 201
    with app.extensions["stampgate"].session_factory() as session:
        record = session.get(IdempotencyRecord, (merchant["id"], "req-1"))
        assert record is not None
        fingerprint = record.fingerprint
    _store(
        app,
        IdempotencyRecord(
            scope=merchant["id"],
            key="req-2",
            fingerprint=fingerprint,
            locked_until=utcnow() + timedelta(minutes=1),
        ),
    )
    assert_problem(_new_key(api, merchant["api_key"], "req-2"), 409, "idempotency_in_progress")


def test_an_abandoned_claim_is_taken_over(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    fingerprint = _fingerprint_of_new_key_request(app, api, merchant)
    _store(
        app,
        IdempotencyRecord(
            scope=merchant["id"],
            key="crashed",
            fingerprint=fingerprint,
            locked_until=utcnow() - timedelta(seconds=1),
        ),
    )
    response = _new_key(api, merchant["api_key"], "crashed")
    assert response.status_code == 201
    assert _new_key(api, merchant["api_key"], "crashed").get_json() == response.get_json()


def _fingerprint_of_new_key_request(app: Flask, api: Api, merchant: dict[str, Any]) -> str:
    _new_key(api, merchant["api_key"], "probe")
    with app.extensions["stampgate"].session_factory() as session:
        record = session.get(IdempotencyRecord, (merchant["id"], "probe"))
        assert record is not None
        fingerprint: str = record.fingerprint
        return fingerprint


def test_a_server_error_releases_the_key(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    calls = {"n": 0}
    view = app.view_functions["keys.create_api_key"]

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return view(*args, **kwargs)

    app.view_functions["keys.create_api_key"] = failing_once
    assert_problem(_new_key(api, merchant["api_key"], "retry-me"), 500, "internal_error")
    assert _new_key(api, merchant["api_key"], "retry-me").status_code == 201


def test_expired_keys_can_be_reused_and_are_purged(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    first = _new_key(api, merchant["api_key"], "old")
    with app.extensions["stampgate"].session_factory() as session:
        record = session.get(IdempotencyRecord, (merchant["id"], "old"))
        assert record is not None
        record.created_at = utcnow() - timedelta(days=2)
        session.commit()
    second = _new_key(api, merchant["api_key"], "old", label="other body")
    assert second.status_code == 201
    assert second.get_json()["id"] != first.get_json()["id"]
    with app.extensions["stampgate"].session_factory() as session:
        record = session.get(IdempotencyRecord, (merchant["id"], "old"))
        assert record is not None
        record.created_at = utcnow() - timedelta(days=2)
        session.commit()
        assert purge_expired(session, timedelta(days=1)) == 1
        assert session.get(IdempotencyRecord, (merchant["id"], "old")) is None


def test_concurrent_duplicates_execute_once(app: Flask, merchant: dict[str, Any]) -> None:
    def attempt(_: int) -> tuple[int, Any]:
        client = app.test_client()
        response = client.post(
            "/v1/api-keys",
            json={"label": "race"},
            headers={"Authorization": f"Bearer {merchant['api_key']}", "Idempotency-Key": "race-1"},
        )
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(16)))
    created = {body["id"] for status, body in results if status == 201}
    refused = [body["code"] for status, body in results if status == 409]
    assert len(created) == 1
    assert set(refused) <= {"idempotency_in_progress"}
    assert len(refused) + sum(1 for status, _ in results if status == 201) == 16
    assert _key_count(app, merchant["id"]) == 2
