"""The promotion sync: mappings to promotions deleted in the POS are flagged once, by API,
command and event."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from connectors.connections.sync import sync_all
from gateway.cli import main
from gateway.models import Event
from tests.support.fake_poster import (
    FakePoster,
    connection_body,
    poster_settings,
    running_poster,
)
from tests.support.pos import PosWorld, make_world
from webhooks.payloads import DATA_MODELS


@pytest.fixture
def poster() -> Iterator[FakePoster]:
    with running_poster() as fake:
        fake.promotions = [
            {"promotion_id": "5", "name": "Free pizza"},
            {"promotion_id": "6", "name": "Happy hour"},
        ]
        yield fake


@pytest.fixture
def world(make_app: Callable[..., Flask], poster: FakePoster) -> PosWorld:
    body = connection_body(poster)
    world = make_world(make_app(**poster_settings(poster)), body)
    path = f"/v1/connections/{world.connection['id']}/codes"
    mapped = world.api.call("PUT", path, world.key, json={"5": "FREEPIZZA9", "6": "HAPPY"})
    assert mapped.status_code == 200, mapped.get_json()
    return world


def sync(world: PosWorld) -> list[str]:
    ext = world.app.extensions["stampgate"]
    return [result.status for result in sync_all(ext.session_factory, ext.settings, ext.connectors)]


def stale_events(world: PosWorld) -> list[Event]:
    with world.app.extensions["stampgate"].session_factory() as session:
        query = select(Event).where(Event.type == "connection.mappings_stale")
        return list(session.scalars(query))


def test_a_deleted_promotion_is_flagged_once(world: PosWorld, poster: FakePoster) -> None:
    assert sync(world) == ["synced"]
    assert stale_events(world) == []

    poster.promotions = [{"promotion_id": "6", "name": "Happy hour"}]
    assert sync(world) == ["synced"]
    assert sync(world) == ["synced"]  # still gone: announced only once

    (event,) = stale_events(world)
    assert event.data == {
        "connection_id": world.connection["id"],
        "pos": "poster",
        "stale_mappings": {"5": "FREEPIZZA9"},
    }
    DATA_MODELS[event.type].model_validate(event.data)
    shown = world.api.call("GET", f"/v1/connections/{world.connection['id']}", world.key)
    assert shown.get_json()["stale_codes"] == {"5": "FREEPIZZA9"}
    assert shown.get_json()["synced_at"] is not None


def test_an_unreachable_pos_fails_its_sync_without_flagging(
    world: PosWorld, poster: FakePoster
) -> None:
    poster.outages = 1000
    assert sync(world) == ["failed"]
    assert stale_events(world) == []


def test_the_sync_command_reports_each_connection(
    world: PosWorld, poster: FakePoster, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = world.app.extensions["stampgate"].settings
    for name, value in {
        "STAMPGATE_DATABASE_URL": settings.database_url,
        "STAMPGATE_SECRET_KEY": settings.secret_key,
        "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "STAMPGATE_POS_RETRY_BACKOFF": "0",
    }.items():
        monkeypatch.setenv(name, value)
    poster.promotions = []
    result = CliRunner().invoke(main, ["sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{world.connection['id']} synced stale: 5, 6" in result.output
    assert "1 connections, 0 failed" in result.output
