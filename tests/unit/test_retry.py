"""The retry policy of deliveries (pure)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from webhooks.retry import classify, next_delay, parse_retry_after

SCHEDULE = (5, 300, 1800)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, "succeeded"),
        (204, "succeeded"),
        (299, "succeeded"),
        (410, "gone"),
        (301, "retry"),
        (302, "retry"),
        (400, "retry"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
        (None, "retry"),
    ],
)
def test_classify(status: int | None, verdict: str) -> None:
    assert classify(status) == verdict


def test_delays_follow_the_schedule_within_twenty_percent() -> None:
    rng = random.Random(7)
    for attempts, scheduled in enumerate(SCHEDULE, start=1):
        delays = [next_delay(attempts, SCHEDULE, rng=rng) for _ in range(500)]
        assert all(d is not None and 0.8 * scheduled <= d <= 1.2 * scheduled for d in delays)
        assert max(d for d in delays if d is not None) > scheduled  # jitter goes both ways
        assert min(d for d in delays if d is not None) < scheduled


def test_after_the_last_retry_the_delivery_is_exhausted() -> None:
    assert next_delay(len(SCHEDULE) + 1, SCHEDULE) is None
    assert next_delay(0, SCHEDULE) is None


@pytest.mark.parametrize(("asked", "expected"), [(1, 300), (450, 450), (10_000, 600)])
def test_retry_after_is_clamped_to_the_schedule(asked: float, expected: float) -> None:
    assert next_delay(2, SCHEDULE, retry_after=asked) == expected


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(format_datetime(now + timedelta(minutes=3), usegmt=True), now) == 180
    assert parse_retry_after(format_datetime(now - timedelta(minutes=3), usegmt=True), now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
