"""A daemon thread that runs one piece of work again and again: the embedded mode's worker,
woken at once by ``notify`` after a commit that made rows due."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class BackgroundLoop:
    """Runs ``work`` until stopped; polls every ``poll_seconds`` and wakes at once on notify
    (``wait_first``: the first round, too, waits one ``poll_seconds``)."""

    def __init__(
        self,
        name: str,
        work: Callable[[], object],
        poll_seconds: float = 1.0,
        on_stop: Callable[[], None] | None = None,
        wait_first: bool = False,
    ) -> None:
        self._work = work
        self._wait_first = wait_first
        self._poll_seconds = poll_seconds
        self._on_stop = on_stop
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        """Begin working in the background."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the round in hand and stop."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._on_stop is not None:
            self._on_stop()

    def notify(self, *_ignored: object) -> None:
        """New work was committed: look now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        if self._wait_first:  # periodic work: the first round comes one interval after start
            self._wake.wait(self._poll_seconds)
            self._wake.clear()
        while not self._stopping.is_set():
            try:
                self._work()
            except Exception:  # one bad round must not stop the thread
                log.exception("background round failed", extra={"loop": self._thread.name})
            self._wake.wait(self._poll_seconds)
            self._wake.clear()
