"""When to try a failed delivery again (pure): the schedule, jitter, and the receiver's wishes."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

JITTER = 0.2


def classify(status_code: int | None) -> str:
    """``succeeded`` for 2xx, ``gone`` for 410 (disable the endpoint), else ``retry``."""
    if status_code is not None and 200 <= status_code < 300:
        return "succeeded"
    if status_code == 410:
        return "gone"
    return "retry"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date), if any."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def next_delay(
    attempts_made: int,
    schedule: tuple[int, ...],
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` failures; None when exhausted.

    The schedule's delay gets +-20 % jitter so endpoints that failed together do not retry in
    lockstep; a ``Retry-After`` is honoured but clamped to [scheduled, 2 x scheduled].
    """
    if attempts_made < 1 or attempts_made > len(schedule):
        return None
    scheduled = float(schedule[attempts_made - 1])
    if retry_after is not None:
        return min(max(retry_after, scheduled), 2 * scheduled)
    draw = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return scheduled * draw
