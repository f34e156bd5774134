"""Steady traffic against a real gateway: sales and signed Poster hooks from a few threads,
every answer (or client failure) recorded, bounded in count and time."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.support.fake_poster import poster_hook
from tests.support.sales import sale_body

# A client that waits longer than this for an answer counts the request as hung.
CLIENT_TIMEOUT = (3.0, 10.0)
MAX_REQUESTS = 20_000
MAX_SECONDS = 90.0


@dataclass(frozen=True)
class Outcome:
    """One request: what was sent and what came back (``status`` None: no answer)."""

    kind: str
    ident: str
    status: int | None
    content_type: str = ""
    code: str | None = None
    retry_after: str | None = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)


def _outcome(kind: str, ident: str, response: requests.Response) -> Outcome:
    content_type = response.headers.get("Content-Type", "")
    code = None
    if content_type.startswith("application/problem+json"):
        code = response.json().get("code")
    retry_after = response.headers.get("Retry-After")
    return Outcome(kind, ident, response.status_code, content_type, code, retry_after)


@dataclass
class Traffic:
    """Threads that send requests until stopped; ``outcomes`` grows as answers arrive."""

    base_url: str
    api_key: str
    poster_account: str | None = None
    threads: int = 4
    timeout: tuple[float, float] = CLIENT_TIMEOUT
    outcomes: list[Outcome] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _running: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        """Begin sending from ``threads`` threads."""
        for index in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"traffic-{index}", daemon=True)
            thread.start()
            self._running.append(thread)

    def stop(self) -> list[Outcome]:
        """Stop sending; returns every outcome."""
        self._stopping.set()
        for thread in self._running:
            thread.join(sum(self.timeout) + 5)
        return list(self.outcomes)

    def count(self, predicate: Callable[[Outcome], bool]) -> int:
        """How many outcomes so far match."""
        with self._lock:
            return sum(1 for outcome in self.outcomes if predicate(outcome))

    def wait_for(self, predicate: Callable[[Outcome], bool], count: int, timeout: float) -> None:
        """Block until ``count`` outcomes match (or fail the test)."""
        deadline = time.monotonic() + timeout
        while self.count(predicate) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {self.count(predicate)} of {count} in {timeout}s")
            time.sleep(0.05)

    def summary(self) -> Counter[str]:
        """Outcomes by kind and status, for the figures a report quotes."""
        with self._lock:
            return Counter(f"{o.kind} {o.status or o.error}" for o in self.outcomes)

    def _loop(self) -> None:
        session = requests.Session()
        deadline = time.monotonic() + MAX_SECONDS
        try:
            while not self._stopping.is_set() and time.monotonic() < deadline:
                number = next(self._ids)
                if number > MAX_REQUESTS:
                    return
                hook = self.poster_account is not None and number % 2 == 0
                outcome = (self._hook if hook else self._sale)(session, number)
                with self._lock:
                    self.outcomes.append(outcome)
                if outcome.status not in (200, 201):  # a refused client pauses a little
                    time.sleep(0.05)
        finally:
            session.close()

    def _send(self, kind: str, ident: str, send: Callable[[], requests.Response]) -> Outcome:
        try:
            return _outcome(kind, ident, send())
        except requests.RequestException as exc:
            return Outcome(kind, ident, None, error=type(exc).__name__)

    def _sale(self, session: requests.Session, number: int) -> Outcome:
        ident = f"T-{number}"
        body: dict[str, Any] = sale_body(ident, customer={"phone": f"+38050{number:07d}"})
        headers = {"Authorization": f"Bearer {self.api_key}"}
        url = f"{self.base_url}/v1/sales"
        return self._send(
            "sale",
            ident,
            lambda: session.post(url, json=body, headers=headers, timeout=self.timeout),
        )

    def _hook(self, session: requests.Session, number: int) -> Outcome:
        assert self.poster_account is not None
        body = poster_hook(number, account=self.poster_account)
        url = f"{self.base_url}/hooks/poster"
        return self._send(
            "hook", str(number), lambda: session.post(url, json=body, timeout=self.timeout)
        )
