"""gunicorn's gthread worker, answering its own refusals (a request line or header too large,
an unreadable request) as problem+json and logging them without the request's content."""

from __future__ import annotations

import json
import socket
import ssl
import time
from datetime import datetime
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.http import errors
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.workers.gthread import ThreadWorker

from gateway.errors import PROBLEM_CONTENT_TYPE

LINGER_SECONDS = 1.0
LINGER_BYTES = 256 * 1024
# Checked in order: the first class the error is an instance of decides.
_PARSE_ERRORS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (errors.LimitRequestLine, 414, "uri_too_long", "The request line is longer than the limit."),
    (
        errors.LimitRequestHeaders,
        431,
        "headers_too_large",
        "The request headers are larger than the limit, or too many.",
    ),
    (
        errors.UnsupportedTransferCoding,
        501,
        "not_implemented",
        "The request uses a transfer coding this server does not support.",
    ),
    (errors.ForbiddenProxyRequest, 403, "forbidden", "Proxy requests are not accepted."),
    (errors.ParseException, 400, "bad_request", "The request could not be read as HTTP."),
    (ssl.SSLError, 400, "bad_request", "The TLS handshake failed."),
)


def classify(exc: BaseException) -> tuple[int, str, str] | None:
    """Status, code and detail of a request gunicorn could not read; None for other errors."""
    if isinstance(exc, errors.ConfigurationProblem):
        return None
    for kind, status, code, detail in _PARSE_ERRORS:
        if isinstance(exc, kind):
            return status, code, detail
    return None


def problem_bytes(status: int, code: str, detail: str) -> bytes:
    """A complete HTTP/1.1 problem+json response that closes the connection."""
    phrase = HTTPStatus(status).phrase
    body = json.dumps(
        {
            "type": f"urn:stampgate:problem:{code}",
            "title": phrase,
            "status": status,
            "detail": detail,
            "code": code,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemThreadWorker(ThreadWorker):  # type: ignore[misc]
    """The gthread worker with problem+json error answers."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """Answer and log an error raised while reading or serving a request."""
        started = datetime.now()
        addr = addr or ("", -1)  # a unix socket has no peer address
        known = classify(exc)
        if known is None:
            # The path only: a query string carries personal data and one-time codes.
            self.log.exception("error handling request %s", getattr(req, "path", "(unread)"))
            status, code, detail = 500, "internal_error", "An unexpected error occurred."
        else:
            status, code, detail = known
            # The exception's text quotes the request (line, header); its class says enough.
            self.log.warning("invalid request from %s: %s", addr[0], type(exc).__name__)
        req = req or getattr(exc, "req", None)
        if req is not None:
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"] = addr[0]
            environ["REMOTE_PORT"] = str(addr[1])
            response = Response(req, client, self.cfg)
            response.status = f"{status} {HTTPStatus(status).phrase}"
            response.status_code = status
            self.log.access(response, req, environ, datetime.now() - started)
        try:
            util.write_nonblock(client, problem_bytes(status, code, detail))
            _linger(client)
        except Exception:  # the client is gone: nothing left to tell it
            self.log.debug("could not send the error response")


def _linger(client: socket.socket) -> None:
    """Read (and drop) what the client is still sending, briefly, before the socket closes:
    closing with unread bytes resets the connection, and the client loses the answer."""
    client.shutdown(socket.SHUT_WR)
    client.settimeout(LINGER_SECONDS)
    drained = 0
    deadline = time.monotonic() + LINGER_SECONDS
    while drained < LINGER_BYTES and time.monotonic() < deadline:
        chunk = client.recv(65536)
        if not chunk:
            return
        drained += len(chunk)
