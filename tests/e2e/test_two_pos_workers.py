"""One redeem code across a Poster café and a Syrve restaurant, processed by a real
``stampgate worker`` (rq, Redis, PostgreSQL): redeemed at one, rejected at the other."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.connectors.test_two_pos_codes import (
    assert_rejected_at_syrve,
    redeem_at_poster_then_try_at_syrve,
    two_pos,
)
from tests.connectors.test_two_pos_codes import poster as poster
from tests.e2e.conftest import Workers
from tests.e2e.test_pos_workers import app as app
from tests.e2e.test_pos_workers import wait_for
from tests.support.fake_poster import FakePoster
from tests.support.fake_syrve import FakeSyrve

pytestmark = pytest.mark.e2e


def test_a_code_redeemed_at_the_cafe_is_rejected_at_the_restaurant_under_rq(
    app: Flask, workers: Workers, poster: FakePoster, syrve: FakeSyrve
) -> None:
    setup = two_pos(app, poster, syrve)
    workers.start(processes=2)
    done = iter(range(1, 100))

    def processed_by_the_worker() -> None:
        expected = next(done)
        wait_for(
            lambda: len(setup.world.inbound("processed")) == expected,
            f"{expected} events processed by the worker",
        )

    voucher_id = redeem_at_poster_then_try_at_syrve(setup, processed_by_the_worker)
    assert_rejected_at_syrve(setup, voucher_id)
