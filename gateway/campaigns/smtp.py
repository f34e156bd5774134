"""The mail server campaigns send through, from ``STAMPGATE_SMTP_URL``, and one message handed
to it with the server's answer sorted: accepted, refused for good (5xx), or to retry (4xx, a
connection that failed or broke off).

``smtp://user:password@host:587?starttls=true`` upgrades a plain connection with STARTTLS,
``smtps://user:password@host:465`` speaks TLS from the first byte, ``smtp://host:25`` is a
plain relay (a local one). User and password are percent-decoded; without them no login.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {"smtp": 25, "smtps": 465}
TRUE_WORDS = ("true", "1", "yes")
# What the message row keeps of the server's answer: the code and the start of its text.
REASON_LENGTH = 200
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect; the password never appears in its ``repr``."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None = field(repr=False)
    timeout: float = 10.0


class MailOutcome(Exception):  # noqa: N818 - an outcome, like smtplib's own
    """A message the server did not take; ``str()`` is the reason kept on its row."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.code = code


class MailRefused(MailOutcome):
    """The server refused the message for good (a 5xx reply): retrying cannot help."""


class MailDeferred(MailOutcome):
    """The message was not accepted this time (a 4xx reply, no connection): retried later."""


def parse_smtp_url(url: str, timeout: float = 10.0) -> SmtpServer:
    """The server an SMTP URL names; ``ValueError`` (without the URL) when it names none."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in SCHEMES or not parts.hostname or port == -1:
        raise ValueError("STAMPGATE_SMTP_URL must look like smtp://user:password@host:port")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["false"])[-1].lower() in TRUE_WORDS
    return SmtpServer(
        host=parts.hostname,
        port=port or SCHEMES[parts.scheme],
        implicit_tls=parts.scheme == "smtps",
        starttls=starttls and parts.scheme == "smtp",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


def _reason(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    # Servers often repeat the recipient's address: the row keeps the answer without it.
    plain = _ADDRESS.sub("<address>", " ".join(words.split()))
    return f"smtp {code} {plain}"[:REASON_LENGTH]


def _sorted(code: int, text: bytes | str) -> MailRefused | MailDeferred:
    reason = _reason(code, text)
    return MailRefused(reason, code) if 500 <= code < 600 else MailDeferred(reason, code)


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.implicit_tls:
        return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    if server.starttls:
        client.starttls(context=context)
    return client


def _hand_over(server: SmtpServer, message: EmailMessage) -> None:
    with _connect(server) as client:
        if server.username is not None:
            client.login(server.username, server.password or "")
        refused = client.send_message(message)
    if refused:  # one recipient per message: a refusal of it raises instead
        code, text = next(iter(refused.values()))
        raise _sorted(code, text)


def send_mail(server: SmtpServer, message: EmailMessage) -> None:
    """Hand ``message`` to the server; ``MailRefused`` or ``MailDeferred`` when it is not taken."""
    try:
        _hand_over(server, message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise _sorted(code, text) from None
    except smtplib.SMTPAuthenticationError as exc:  # the gateway's setting, not the message
        raise MailDeferred(_reason(exc.smtp_code, exc.smtp_error), exc.smtp_code) from None
    except smtplib.SMTPResponseException as exc:  # sender or data refused, or a bad greeting
        raise _sorted(exc.smtp_code, exc.smtp_error) from None
    except (smtplib.SMTPException, OSError) as exc:  # no connection, TLS, a broken line
        raise MailDeferred(f"smtp unreachable: {type(exc).__name__}") from None
