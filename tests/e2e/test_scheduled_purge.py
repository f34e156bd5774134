"""A real ``stampgate worker`` purges on its own: the sweeper enqueues the hourly purge (its
schedule key is gone from a fresh Redis, so the first comes at once) and a worker runs it."""

from __future__ import annotations

import time

import pytest
from flask import Flask

from tests.e2e.conftest import ADMIN, Workers
from tests.retention.rows import Rows, program_of, remaining
from tests.support.api import Api

pytestmark = pytest.mark.e2e


def test_the_worker_purges_what_is_past_retention(app: Flask, workers: Workers) -> None:
    api = Api(app.test_client(), ADMIN)
    merchant = api.create_merchant("Purge Cafe")
    with app.extensions["stampgate"].session_factory() as session:
        rows = Rows(session, merchant["id"], program_of(api, merchant))
        endpoint = rows.endpoint()
        old = rows.delivery(rows.event(100), endpoint, "succeeded", 40)
        recent = rows.delivery(rows.event(1), endpoint, "succeeded", 1)
        session.commit()
    workers.start()
    deadline = time.monotonic() + 60
    left = remaining(app)
    # One purge run deletes deliveries and events in separate batches: wait for both.
    while (old in left["deliveries"] or rows.ids["events"][0] in left["events"]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
        left = remaining(app)
    assert old not in left["deliveries"]
    assert recent in left["deliveries"]
    assert rows.ids["events"][1] in left["events"]
    assert rows.ids["events"][0] not in left["events"]
