"""The embedded mode's background loop: periodic work (``wait_first``) waits one interval
before its first round, unless woken."""

from __future__ import annotations

import threading

from gateway.queue.background import BackgroundLoop


def test_a_loop_that_waits_first_does_nothing_until_woken_or_its_interval() -> None:
    rounds: list[int] = []
    ran = threading.Event()

    def work() -> None:
        rounds.append(1)
        ran.set()

    loop = BackgroundLoop("test-periodic", work, poll_seconds=3600, wait_first=True)
    loop.start()
    try:
        assert rounds == []  # an hour before the first round: nothing ran at start
        loop.notify()
        assert ran.wait(10)
    finally:
        loop.stop()
    assert rounds == [1]


def test_a_loop_runs_at_once_by_default() -> None:
    ran = threading.Event()
    loop = BackgroundLoop("test-eager", ran.set, poll_seconds=3600)
    loop.start()
    try:
        assert ran.wait(10)
    finally:
        loop.stop()
