"""A real HTTP receiver for webhook tests: records every request, answers from a script."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.support.http_server import serving


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the server answers (status, extra headers) in order; the last answer repeats."""

    answers: list[tuple[int, dict[str, str]]] = field(default_factory=lambda: [(200, {})])
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    delay: float = 0.0
    answer_body: bytes = b"ok"
    arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        """Where to send webhooks."""
        return f"http://127.0.0.1:{self.port}/hooks"

    def next_answer(self) -> tuple[int, dict[str, str]]:
        """The answer for the request just received."""
        index = min(len(self.requests) - 1, len(self.answers) - 1)
        return self.answers[index]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until ``count`` requests arrived (or fail the test)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"got {len(self.requests)} of {count} webhooks in {timeout}s")
        return list(self.requests)


@contextmanager
def running_receiver(*answers: tuple[int, dict[str, str]]) -> Iterator[Receiver]:
    """A receiver on a free port of 127.0.0.1 for the duration of the block."""
    receiver = Receiver(answers=list(answers) or [(200, {})])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if receiver.delay:
                time.sleep(receiver.delay)
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.arrived:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                status, extra = receiver.next_answer()
                receiver.arrived.notify_all()
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(receiver.answer_body)))
            self.end_headers()
            self.wfile.write(receiver.answer_body)

        def log_message(self, *args: object) -> None:
            del args

    with serving(Handler) as port:
        receiver.port = port
        yield receiver
