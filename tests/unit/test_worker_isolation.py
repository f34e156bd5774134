"""Parallel test workers each get a Redis database of their own (they flush it and share
fixed rq queue names); a run without workers keeps the configured one."""

from __future__ import annotations

import pytest

from tests.support.services import worker_redis_url


def test_a_run_without_workers_keeps_the_configured_database() -> None:
    assert worker_redis_url("redis://127.0.0.1:6379/15", 0) == "redis://127.0.0.1:6379/15"


def test_each_worker_counts_down_from_the_configured_database() -> None:
    urls = {worker_redis_url("redis://:secret@cache:6380/15?protocol=3", n) for n in range(4)}
    assert urls == {f"redis://:secret@cache:6380/{n}?protocol=3" for n in (15, 14, 13, 12)}


def test_a_url_without_a_database_number_starts_at_zero() -> None:
    assert worker_redis_url("redis://127.0.0.1:6379", 0) == "redis://127.0.0.1:6379/0"


def test_more_workers_than_databases_is_refused() -> None:
    with pytest.raises(pytest.UsageError, match="no Redis database for worker 3"):
        worker_redis_url("redis://127.0.0.1:6379/2", 3)
