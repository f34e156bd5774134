"""``stampgate purge``: what is past its retention goes, in batches; what is recent, or still
worked on, or promised by the API stays; a dry run only counts; one purge at a time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import select

from gateway.cli import main
from gateway.config import Settings
from gateway.db import build_engine
from gateway.retention.lock import exclusive
from gateway.retention.purge import PurgeReport, run_purge
from tests.retention.rows import Rows, World, attempts_of, program_of, remaining
from tests.support.api import Api
from tests.support.services import fresh_postgres_database
from webhooks.models import Delivery


def _kept_and_gone(world: World) -> tuple[set[str], set[str]]:
    kept = {value for name, value in world.items() if name.startswith("kept_")}
    gone = {value for name, value in world.items() if name.startswith("gone_")}
    return kept, gone


def _all_ids(app: Flask) -> set[str]:
    return set().union(*remaining(app).values())


EXPECTED = {
    "deliveries (delivered)": 1,
    "deliveries (given up)": 1,
    "delivery_attempts": 4,
    "inbound_events": 2,
    "idempotency_keys": 1,
    "events": 3,
}


def test_purge_deletes_what_is_past_retention_and_keeps_the_rest(
    app: Flask, settings: Settings, world: World
) -> None:
    report = run_purge(app.extensions["stampgate"].engine, settings)
    assert report is not None
    assert report.finished
    assert dict(report.counts) == EXPECTED
    kept, gone = _kept_and_gone(world)
    left = _all_ids(app)
    assert kept <= left
    assert not gone & left
    assert attempts_of(app, {world["gone_delivered"], world["gone_exhausted"]}) == 0
    assert attempts_of(app, {world["kept_delivered"], world["kept_failed"]}) == 4


def test_a_second_run_finds_nothing(app: Flask, settings: Settings, world: World) -> None:
    engine = app.extensions["stampgate"].engine
    assert run_purge(engine, settings) is not None
    again = run_purge(engine, settings)
    assert again is not None
    assert again.total == 0


def test_dry_run_counts_what_a_run_deletes_and_deletes_nothing(
    app: Flask, settings: Settings, world: World
) -> None:
    before = _all_ids(app)
    report = run_purge(app.extensions["stampgate"].engine, settings, dry_run=True)
    assert report is not None
    assert dict(report.counts) == EXPECTED
    assert _all_ids(app) == before
    assert report.lines()[-1] == "would delete 12 rows"


def test_longer_retentions_keep_more(app: Flask, settings: Settings, world: World) -> None:
    longer = settings.model_copy(
        update={"retain_delivered_days": 60, "retain_inbound_days": 60, "retain_events_days": 200}
    )
    report = run_purge(app.extensions["stampgate"].engine, longer)
    assert report is not None
    assert report.counts["deliveries (delivered)"] == 0
    assert report.counts["inbound_events"] == 0
    assert report.counts["events"] == 0
    assert report.counts["deliveries (given up)"] == 1


def test_keys_outlive_their_replay_window_whatever_the_retention(
    app: Flask, settings: Settings, world: World
) -> None:
    window = settings.model_copy(
        update={"retain_idempotency_keys_days": 1, "idempotency_ttl_seconds": 4 * 24 * 3600}
    )
    report = run_purge(app.extensions["stampgate"].engine, window)
    assert report is not None
    assert report.counts["idempotency_keys"] == 0
    assert world["gone_key"] in remaining(app)["idempotency_keys"]


def test_rows_go_in_batches_of_the_setting(
    app: Flask, settings: Settings, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = program_of(api, merchant)
    with app.extensions["stampgate"].session_factory() as session:
        rows = Rows(session, merchant["id"], program_id)
        endpoint = rows.endpoint()
        for _ in range(5):
            rows.delivery(rows.event(1), endpoint, "succeeded", 40)
        session.commit()
    engine = app.extensions["stampgate"].engine
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        if sql.lstrip().upper().startswith("DELETE FROM DELIVERIES"):
            seen.append("delete")

    def commit(_conn: Any) -> None:
        seen.append("commit")

    sa_event.listen(engine, "before_cursor_execute", statement)
    sa_event.listen(engine, "commit", commit)
    try:
        report = run_purge(engine, settings.model_copy(update={"purge_batch": 2}))
    finally:
        sa_event.remove(engine, "before_cursor_execute", statement)
        sa_event.remove(engine, "commit", commit)
    assert report is not None
    assert report.counts["deliveries (delivered)"] == 5
    assert seen.count("delete") == 3  # 2 + 2 + 1
    # Each batch is its own transaction: a commit after every delete, before the next.
    batches = " ".join(seen).replace("commit commit", "commit")
    assert "delete delete" not in batches
    assert batches.startswith("delete")
    assert batches.count("delete commit") == 3


def test_two_purges_at_once_do_not_both_run(app: Flask, settings: Settings, world: World) -> None:
    engine = app.extensions["stampgate"].engine
    before = _all_ids(app)
    with exclusive(engine, settings.database_url) as held:
        assert held
        assert run_purge(engine, settings) is None
        counted = run_purge(engine, settings, dry_run=True)  # reading needs no lock
        assert counted is not None
        assert counted.total == sum(EXPECTED.values())
        with exclusive(engine, settings.database_url) as second:
            assert not second
        assert _all_ids(app) == before
    report = run_purge(engine, settings)
    assert report is not None
    assert report.total == sum(EXPECTED.values())


def test_the_purge_lock_of_one_postgresql_database_leaves_another_free(
    app: Flask, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite's lock is a file beside the database")
    with fresh_postgres_database() as other_url:
        other = build_engine(other_url)
        try:
            with (
                exclusive(app.extensions["stampgate"].engine, settings.database_url) as held,
                exclusive(other, other_url) as held_elsewhere,
            ):
                assert held
                assert held_elsewhere
        finally:
            other.dispose()


def test_the_command_prints_counts_per_table(
    app: Flask, settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAMPGATE_DATABASE_URL", settings.database_url)
    dry = CliRunner().invoke(main, ["purge", "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0
    assert "deliveries (delivered)  1" in dry.output
    assert dry.output.splitlines()[-1] == "would delete 12 rows"
    done = CliRunner().invoke(main, ["purge"], catch_exceptions=False)
    assert done.output.splitlines()[-1] == "deleted 12 rows"
    assert "delivery_attempts       4" in done.output
    with exclusive(app.extensions["stampgate"].engine, settings.database_url):
        busy = CliRunner().invoke(main, ["purge"])
    assert busy.exit_code == 1
    assert "another purge is running" in busy.output


def test_rows_someone_holds_are_left_for_the_next_run_without_waiting(
    app: Flask, settings: Settings, world: World
) -> None:
    if settings.is_sqlite:
        pytest.skip("row locks and SKIP LOCKED are PostgreSQL's; SQLite has one writer")
    engine = app.extensions["stampgate"].engine
    held = world["gone_delivered"]
    with engine.connect() as holder:
        holder.execute(select(Delivery.id).where(Delivery.id == held).with_for_update())
        outcome: list[PurgeReport | None] = []
        purge = threading.Thread(target=lambda: outcome.append(run_purge(engine, settings)))
        purge.start()
        purge.join(timeout=60)  # a purge waiting on the held row would still be running
        assert not purge.is_alive()
        holder.rollback()
    (report,) = outcome
    assert report is not None
    assert report.counts["deliveries (delivered)"] == 0
    assert report.counts["deliveries (given up)"] == 1
    assert held in remaining(app)["deliveries"]
    assert world["gone_event_delivered"] in remaining(app)["events"]  # its delivery is left
    later = run_purge(engine, settings)
    assert later is not None
    assert later.counts["deliveries (delivered)"] == 1
    assert held not in remaining(app)["deliveries"]
