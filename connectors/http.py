"""The HTTP client every connector uses: pooled, with timeouts and retries, and guarded.

Every call passes the SSRF guard and connects to the address the guard checked (a POS address
is the merchant's choice, and its name may resolve elsewhere by the time of the call); a
redirect is an error, never followed. Failures are described without addresses or exception
names, because they reach the merchant's API and inbound events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from urllib3.util.retry import Retry

from connectors.errors import PosRejected, PosUnavailable
from gateway.config import Settings
from gateway.egress.pinned import PinnedAdapter, Reply, mount_pinned, outbound_session, send_pinned
from gateway.egress.ssrf import UrlNotAllowed, check_url

RETRIED_STATUSES = (500, 502, 503, 504)
MAX_ANSWER_BYTES = 8 * 1024 * 1024  # a POS answer larger than this is refused, not read on
log = logging.getLogger(__name__)


def pos_session(retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """A pooled session that retries connection errors and 5xx answers with backoff.

    POS read calls are safe to repeat, POST included (Syrve reads through POST). Retries go to
    the same checked address.
    """
    policy = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        redirect=0,
        backoff_factor=backoff,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=None,
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    session = outbound_session()
    mount_pinned(session, PinnedAdapter(max_retries=policy, pool_connections=8, pool_maxsize=16))
    return session


@dataclass(frozen=True)
class PosHttp:
    """How connectors reach a POS: the pooled session, the timeout and the address policy."""

    session: requests.Session
    timeout: float
    allowed_networks: tuple[str, ...] = ()
    require_https: bool = True

    @classmethod
    def of(cls, session: requests.Session, settings: Settings) -> PosHttp:
        """The settings' timeout and SSRF policy (the one webhook URLs follow) for ``session``."""
        return cls(
            session,
            settings.pos_timeout,
            settings.webhook_allowed_networks,
            settings.webhook_require_https,
        )


def send(http: PosHttp, method: str, url: str, **request: Any) -> Reply:
    """One call, its retries spent; an unreachable POS or a lasting 5xx is ``PosUnavailable``.

    ``request`` is what ``requests.Request`` takes (``params``, ``data``, ``json``,
    ``headers``). A 3xx answer is ``PosRejected``.
    """
    what = f"{method} {urlsplit(url).path}"
    try:
        target = check_url(url, http.allowed_networks, http.require_https)
    except UrlNotAllowed as exc:
        log.warning("POS address refused: %s", exc.reason)
        raise PosUnavailable(f"{what}: the POS address is not allowed (it must be public)") from exc
    headers = request.pop("headers", {})
    timeout = (min(http.timeout, 5.0), http.timeout)
    try:
        reply = send_pinned(
            http.session, method, target, headers, timeout, MAX_ANSWER_BYTES, **request
        )
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        log.warning("POS unreachable: %s %s: %s", method, target.host, type(exc).__name__)
        raise PosUnavailable(f"{what}: the POS could not be reached") from exc
    if reply.status_code in RETRIED_STATUSES:
        raise PosUnavailable(
            f"{what} answered HTTP {reply.status_code}", retry_after=_retry_after(reply)
        )
    if 300 <= reply.status_code < 400:
        raise PosRejected(f"{what} answered a redirect (HTTP {reply.status_code}): not followed")
    if reply.truncated:
        raise PosRejected(f"{what}: the answer is larger than {MAX_ANSWER_BYTES} bytes")
    return reply


def json_object(response: Reply, what: str) -> dict[str, Any]:
    """The answer's JSON object; anything else is ``PosRejected``."""
    try:
        body = response.json()
    except ValueError:
        raise PosRejected(f"{what}: HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise PosRejected(f"{what}: unexpected answer")
    return body


def _retry_after(response: Reply) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None
