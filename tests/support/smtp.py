"""A real SMTP server for e-mail tests (aiosmtpd on a free loopback port): keeps every message
it accepts, and answers a recipient from a script (``550 ...`` refuses, ``451 ...`` defers)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

OK = "250 OK"


@dataclass
class MailServer:
    """What it got, and what it answers: at RCPT and at DATA, per recipient, once each."""

    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    at_rcpt: dict[str, list[str]] = field(default_factory=dict)
    at_data: dict[str, list[str]] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """``STAMPGATE_SMTP_URL`` of this server."""
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages accepted for ``address``."""
        return [message for message in self.received if message["To"] == address]

    @staticmethod
    def _answer(script: dict[str, list[str]], address: str) -> str:
        answers = script.get(address)
        return answers.pop(0) if answers else OK

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        """Accept the recipient unless the script says otherwise."""
        answer = self._answer(self.at_rcpt, address)
        if answer == OK:
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, _server: Any, _session: Any, envelope: Any
    ) -> str:
        """Keep the message unless the script refuses it for its recipient."""
        answer = self._answer(self.at_data, envelope.rcpt_tos[0])
        if answer == OK:
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(parsed)
        return answer

    def authenticate(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
    ) -> AuthResult:
        """Accept any login (AUTH without TLS, on loopback), keeping who logged in."""
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_mail_server() -> Iterator[MailServer]:
    """An SMTP server on loopback for the duration of the block."""
    server = MailServer(port=free_port())
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        authenticator=server.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
