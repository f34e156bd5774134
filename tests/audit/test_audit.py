"""The audit log: what a change records, secrets kept out, tenants apart, the list's filters,
and rows that commit only with their change."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select, update

from gateway.audit.catalog import AUDITED, UNAUDITED
from gateway.audit.models import AuditEvent
from gateway.cli import main
from gateway.db import utcnow
from gateway.models import Base, Program
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card, post
from tests.support.fake_syrve import API_LOGIN, FakeSyrve, connection_body, syrve_settings
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

CLIENT_ADDRESS = "203.0.113.7"


def audit_events(api: Api, owner: dict[str, Any], query: str = "") -> list[dict[str, Any]]:
    """The owner's audit events (one page of up to 500), newest first."""
    response = api.call("GET", f"/v1/audit-events?limit=500{query}", owner["api_key"])
    assert response.status_code == 200, response.get_json()
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def key_id_of(api: Api, owner: dict[str, Any]) -> str:
    """The id of the owner's first API key."""
    keys = api.call("GET", "/v1/api-keys", owner["api_key"]).get_json()["items"]
    key_id: str = keys[-1]["id"]
    return key_id


def new_program(api: Api, owner: dict[str, Any], **changes: Any) -> dict[str, Any]:
    created = post(api, owner, "/v1/programs", nine_stamp_card(**changes))
    assert created.status_code == 201, created.get_json()
    body: dict[str, Any] = created.get_json()
    return body


def test_an_update_records_who_what_before_after_when_and_from_where(
    api: Api, merchant: dict[str, Any]
) -> None:
    program = new_program(api, merchant)
    patched = api.call(
        "PATCH",
        f"/v1/programs/{program['id']}",
        merchant["api_key"],
        json={"name": "Tea card"},
        headers={"X-Request-Id": "req-audit-0001"},
        environ_base={"REMOTE_ADDR": CLIENT_ADDRESS},
    )
    assert patched.status_code == 200, patched.get_json()

    latest, created = audit_events(api, merchant, f"&object_id={program['id']}")
    assert latest["actor"] == {"kind": "api_key", "id": key_id_of(api, merchant)}
    assert (latest["action"], latest["object_type"]) == ("program.updated", "program")
    assert latest["changes"] == {"name": {"before": "Coffee card", "after": "Tea card"}}
    assert latest["operation"] == "PATCH /v1/programs/{program_id}"
    assert (latest["remote_addr"], latest["request_id"]) == (CLIENT_ADDRESS, "req-audit-0001")
    assert latest["created_at"].endswith("Z")
    assert created["action"] == "program.created"
    assert created["changes"]["stamps_goal"] == {"before": None, "after": 9}


def test_a_conditional_move_records_the_statuses_it_changed(
    api: Api, merchant: dict[str, Any]
) -> None:
    voucher = give(api, merchant, code_voucher(UNIQUE), new_card(api, merchant))
    redeemed = post(api, merchant, "/v1/codes/redeem", {"code": voucher["code"]})
    assert redeemed.status_code == 200, redeemed.get_json()
    again = post(api, merchant, "/v1/codes/redeem", {"code": voucher["code"]})
    assert_problem(again, 409, "already_redeemed")

    moves = audit_events(api, merchant, f"&object_id={voucher['id']}&action=voucher.updated")
    assert len(moves) == 1, "the refused second redemption changed nothing and records nothing"
    assert moves[0]["changes"]["status"] == {"before": "active", "after": "redeemed"}
    assert moves[0]["operation"] == "POST /v1/codes/redeem"


def test_of_concurrent_redemptions_only_the_winner_is_recorded(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    voucher = give(api, merchant, code_voucher(UNIQUE), new_card(api, merchant))

    def attempt(n: int) -> int:
        response = app.test_client().post(
            "/v1/codes/redeem",
            json={"code": voucher["code"], "pos_transaction_id": f"T-{n}"},
            headers={"Authorization": f"Bearer {merchant['api_key']}"},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(16)))
    assert statuses.count(200) == 1, statuses
    moves = audit_events(api, merchant, f"&object_id={voucher['id']}&action=voucher.updated")
    assert [move["changes"]["status"] for move in moves] == [
        {"before": "active", "after": "redeemed"}
    ]
    assert len(audit_events(api, merchant, "&action=redemption.created")) == 1


def test_secrets_never_reach_the_audit_log(make_app: Any, syrve: FakeSyrve) -> None:
    app: Flask = make_app(**syrve_settings(syrve))
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    owner = api.create_merchant("Secretive Cafe")
    program = new_program(api, owner)
    connection = post(
        api, owner, "/v1/connections", {**connection_body(syrve), "program_id": program["id"]}
    ).get_json()
    syrve.api_login = "a-new-api-login-value"  # rotated in Syrve, then given to the gateway
    patched = api.call(
        "PATCH",
        f"/v1/connections/{connection['id']}",
        owner["api_key"],
        json={"api_login": "a-new-api-login-value"},
    )
    assert patched.status_code == 200, patched.get_json()
    endpoint = post(api, owner, "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h"})
    rotated = post(api, owner, f"/v1/webhook-endpoints/{endpoint.get_json()['id']}/rotate-secret")
    key = post(api, owner, "/v1/api-keys", {"label": "till"}).get_json()
    secrets = [
        owner["api_key"],
        key["api_key"],
        connection["webhook_token"],
        API_LOGIN,
        "a-new-api-login-value",
        endpoint.get_json()["secret"],
        rotated.get_json()["secret"],
    ]

    listed = api.call("GET", "/v1/audit-events?limit=500", owner["api_key"]).get_data(as_text=True)
    with app.extensions["stampgate"].session_factory() as session:
        stored = json.dumps(
            [[row.changes, row.details] for row in session.scalars(select(AuditEvent))]
        )
    for secret in secrets:
        assert secret not in listed
        assert secret not in stored
    by_action = {
        (item["object_type"], item["action"]): item for item in json.loads(listed)["items"]
    }
    credentials = by_action["connection", "connection.updated"]["changes"]["credentials"]
    assert credentials == {"before": "[redacted]", "after": "[redacted]"}
    rotation = by_action["webhook_endpoint", "webhook_endpoint.updated"]["changes"]
    assert rotation["secret"] == {"before": "[redacted]", "after": "[redacted]"}
    assert by_action["api_key", "api_key.created"]["changes"]["key_hash"]["after"] == "[redacted]"


def test_another_merchants_events_are_never_visible(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    mine = new_program(api, merchant)
    theirs = new_program(api, other_merchant)
    for owner, program in ((merchant, mine), (other_merchant, theirs)):
        renamed = api.call(
            "PATCH", f"/v1/programs/{program['id']}", owner["api_key"], json={"name": "Mine"}
        )
        assert renamed.status_code == 200

    seen = {item["object_id"] for item in audit_events(api, merchant)}
    assert mine["id"] in seen
    assert theirs["id"] not in seen
    assert other_merchant["id"] not in seen
    assert audit_events(api, merchant, f"&object_id={theirs['id']}") == []
    assert audit_events(api, merchant, f"&actor={key_id_of(api, other_merchant)}") == []


def test_the_list_filters_and_pages(api: Api, merchant: dict[str, Any]) -> None:
    program = new_program(api, merchant)
    before_cards = utcnow()
    number = new_card(api, merchant, program["id"])
    stamped = post(api, merchant, f"/v1/cards/{number}/stamps", {"count": 2, "channel": "staff"})
    assert stamped.status_code == 200

    everything = audit_events(api, merchant)
    assert [item["id"] for item in everything] == sorted(
        (item["id"] for item in everything), reverse=True
    ), "newest first"
    cards = audit_events(api, merchant, "&object_type=card")
    assert [item["action"] for item in cards] == ["card.updated", "card.created"]
    assert cards[0]["changes"]["stamps"] == {"before": 0, "after": 2}
    assert audit_events(api, merchant, "&action=card.created") == cards[1:]
    mine = audit_events(api, merchant, f"&actor={key_id_of(api, merchant)}")
    assert mine == audit_events(api, merchant, "&actor=api_key")
    admin = audit_events(api, merchant, "&actor=admin")
    assert {item["action"] for item in admin} == {"merchant.created", "api_key.created"}
    since = before_cards.isoformat().replace("+00:00", "Z")
    assert audit_events(api, merchant, f"&created_after={since}") == cards
    older = audit_events(api, merchant, f"&created_before={since}")
    assert older == everything[len(cards) :]

    pages, cursor = [], ""
    while True:
        response = api.call("GET", f"/v1/audit-events?limit=2{cursor}", merchant["api_key"])
        body = response.get_json()
        pages.extend(body["items"])
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert pages == everything

    bad = api.call("GET", "/v1/audit-events?object_type=planet", merchant["api_key"])
    assert_problem(bad, 422, "validation_error")


def test_reads_refusals_and_replays_record_nothing(api: Api, merchant: dict[str, Any]) -> None:
    program = new_program(api, merchant)
    body = {"program_id": program["id"], "customer": {"phone": "+380501111111"}}
    headers = {"Idempotency-Key": "card-once"}
    first = api.call("POST", "/v1/cards", merchant["api_key"], json=body, headers=headers)
    count = len(audit_events(api, merchant))

    replay = api.call("POST", "/v1/cards", merchant["api_key"], json=body, headers=headers)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert_problem(post(api, merchant, "/v1/cards", body), 409, "card_exists")
    read = api.call("GET", f"/v1/cards/{first.get_json()['number']}", merchant["api_key"])
    assert read.status_code == 200
    assert len(audit_events(api, merchant)) == count


def test_no_change_commits_without_its_audit_row(
    app: Flask, api: Api, merchant: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    new_program(api, merchant)
    with app.extensions["stampgate"].session_factory() as session:
        taken = session.scalars(select(AuditEvent.id)).first()
        programs = session.scalar(select(func.count()).select_from(Program))
    # The next audit row collides with an existing one, so its insert fails...
    monkeypatch.setattr("gateway.audit.recorder.new_id", lambda prefix: taken)
    failed = post(api, merchant, "/v1/programs", nine_stamp_card(name="Doomed"))
    assert_problem(failed, 500, "internal_error")
    monkeypatch.undo()
    # ...and the program it would have recorded is not there either.
    with app.extensions["stampgate"].session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Program)) == programs


def test_retention_purge_deletes_only_old_events(
    app: Flask, api: Api, merchant: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    new_program(api, merchant)
    ext = app.extensions["stampgate"]
    with ext.session_factory() as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent))
        oldest = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).first()
        old = utcnow() - timedelta(days=31)
        session.execute(update(AuditEvent).where(AuditEvent.id == oldest).values(created_at=old))
        session.commit()
    monkeypatch.setenv("STAMPGATE_DATABASE_URL", ext.settings.database_url)
    monkeypatch.setenv("STAMPGATE_AUDIT_RETENTION_DAYS", "30")
    result = CliRunner().invoke(main, ["audit", "purge"], catch_exceptions=False)
    assert result.output.strip() == "purged 1 audit events"
    with ext.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == total - 1


def test_every_table_is_followed_or_excluded_with_a_reason() -> None:
    assert set(AUDITED).isdisjoint(UNAUDITED)
    assert set(AUDITED) | set(UNAUDITED) == set(Base.metadata.tables)


def test_the_audit_list_is_documented_with_an_example(client: Any) -> None:
    document = client.get("/openapi.json").get_json()
    operation = document["paths"]["/v1/audit-events"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"limit", "cursor", "created_after", "created_before", "object_type", "object_id"} <= (
        names
    )
    assert {"actor", "action"} <= names
    example = document["components"]["schemas"]["AuditEventOut"]["example"]
    assert example["changes"]["status"] == {"before": "active", "after": "redeemed"}
    page = document["components"]["schemas"]["AuditEventPage"]["example"]
    assert page["items"] == [example]
