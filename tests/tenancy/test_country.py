"""A merchant's country: defaulted from its time zone, shown, editable, and audit-logged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import column, table, text

from gateway import migrate
from gateway.db import build_engine
from tests.support.api import Api, bearer
from tests.support.problems import assert_problem

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timezone", "country"),
    [
        ("Europe/Kyiv", "UA"),
        ("Europe/Berlin", "DE"),
        ("America/New_York", "US"),
        ("Asia/Kolkata", "IN"),
        ("UTC", None),
        ("Etc/GMT+3", None),
        # Legacy names (links in the tz database) are their zone's country...
        ("Europe/Kiev", "UA"),
        ("Asia/Calcutta", "IN"),
        ("Asia/Saigon", "VN"),
        ("America/Buenos_Aires", "AR"),
        ("US/Eastern", "US"),
        ("Japan", "JP"),
        ("Etc/Zulu", None),
        # ...unless that zone keeps the time of several countries (Iceland's old name links
        # to Abidjan's zone, Asmara's to Nairobi's) or the name is its time's abbreviation.
        ("Iceland", None),
        ("Africa/Asmera", None),
        ("EET", None),
        ("HST", None),
    ],
)
def test_the_country_defaults_to_the_time_zones(
    api: Api, client: FlaskClient, timezone: str, country: str | None
) -> None:
    created = api.create_merchant("Cafe", timezone=timezone)
    assert created["country"] == country
    own = api.call("GET", "/v1/merchant", created["api_key"]).get_json()
    assert own["country"] == country
    admin = client.get(f"/admin/v1/merchants/{created['id']}", headers=bearer(api.admin_token))
    assert admin.get_json()["country"] == country


def test_a_country_given_at_creation_wins(api: Api, client: FlaskClient) -> None:
    body = {"name": "Cafe", "currency": "EUR", "timezone": "Europe/Berlin", "country": "at"}
    response = client.post("/admin/v1/merchants", json=body, headers=bearer(api.admin_token))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["country"] == "AT"


def test_patch_changes_and_clears_the_country(api: Api, merchant: dict[str, Any]) -> None:
    key = merchant["api_key"]
    assert merchant["country"] == "UA"
    changed = api.call("PATCH", "/v1/merchant", key, json={"country": "pl"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["country"] == "PL"
    assert api.call("GET", "/v1/merchant", key).get_json()["country"] == "PL"
    untouched = api.call("PATCH", "/v1/merchant", key, json={}).get_json()
    assert untouched["country"] == "PL"
    cleared = api.call("PATCH", "/v1/merchant", key, json={"country": None}).get_json()
    assert cleared["country"] is None
    events = api.call("GET", "/v1/audit-events", key).get_json()["items"]
    changes = [e["changes"]["country"] for e in events if e["action"] == "merchant.updated"]
    assert changes == [{"before": "PL", "after": None}, {"before": "UA", "after": "PL"}]


@pytest.mark.parametrize("country", ["XX", "UKR", "U", "", 7])
def test_an_unknown_country_is_refused_naming_the_field(
    api: Api, merchant: dict[str, Any], country: Any
) -> None:
    response = api.call("PATCH", "/v1/merchant", merchant["api_key"], json={"country": country})
    body = assert_problem(response, 422, "validation_error")
    (error,) = body["errors"]
    assert error["loc"] == ["country"]
    assert error["msg"].startswith("country ")
    own = api.call("GET", "/v1/merchant", merchant["api_key"]).get_json()
    assert own["country"] == "UA"


def test_the_migration_backfills_countries_from_time_zones(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/backfill.db"
    migrate.upgrade(url, "0011_list_filters")
    engine = build_engine(url)
    merchants = table(
        "merchants",
        *(column(name) for name in ("id", "name", "currency", "timezone", "created_at")),
    )
    zones = {"mer_a": "Europe/Kyiv", "mer_b": "Europe/Lisbon", "mer_c": "UTC"}
    merchant_rows = [
        {"id": id_, "name": id_, "currency": "EUR", "timezone": zone, "created_at": NOW}
        for id_, zone in zones.items()
    ]
    with engine.begin() as connection:
        connection.execute(merchants.insert(), merchant_rows)
    migrate.upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, country FROM merchants")).all()
    countries = {row.id: row.country for row in rows}
    engine.dispose()
    assert countries == {"mer_a": "UA", "mer_b": "PT", "mer_c": None}


def test_name_and_time_zone_change_and_the_currency_stays(
    api: Api, merchant: dict[str, Any]
) -> None:
    changed = api.call(
        "PATCH",
        "/v1/merchant",
        merchant["api_key"],
        json={"name": "Cafe One & Terrace", "timezone": "Europe/Warsaw"},
    )
    assert changed.status_code == 200
    body = changed.get_json()
    assert (body["name"], body["timezone"], body["currency"]) == (
        "Cafe One & Terrace",
        "Europe/Warsaw",
        merchant["currency"],
    )
    refused = api.call("PATCH", "/v1/merchant", merchant["api_key"], json={"currency": "USD"})
    assert refused.status_code == 422
    bad_zone = api.call("PATCH", "/v1/merchant", merchant["api_key"], json={"timezone": "Mars/X"})
    assert bad_zone.status_code == 422
    assert bad_zone.get_json()["errors"][0]["loc"] == ["timezone"]
    assert api.call("GET", "/v1/merchant", merchant["api_key"]).get_json()["timezone"] == (
        "Europe/Warsaw"
    )
