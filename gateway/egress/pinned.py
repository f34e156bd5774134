"""Requests that connect to the address the SSRF guard checked, never to a fresh DNS answer,
and never follow a redirect."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version as package_version
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connectionpool import ConnectionPool

from gateway.egress.ssrf import Target

# Never a prefix of a real URL, so the session only reaches this adapter through send_pinned.
_MOUNT_PREFIX = "stampgate-pinned://"
_mount_lock = threading.Lock()


class PinnedAdapter(HTTPAdapter):
    """Sends to an IP-address URL while TLS (SNI and certificate check) uses the `Host` name."""

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: tuple[str, str] | str | None = None,
    ) -> ConnectionPool:
        """The pool for the request's address, keyed by the name TLS must verify."""
        # Proxies are ignored on purpose: the connection must go to the checked address itself.
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(
            request, True if verify is None else verify, cert
        )
        tls_kwargs: dict[str, object] = dict(pool_kwargs)
        if host_params["scheme"] == "https":
            hostname = urlsplit(f"//{request.headers['Host']}").hostname
            # Part of urllib3's pool key, so each (address, name) pair keeps its own pool.
            tls_kwargs.update(server_hostname=hostname, assert_hostname=hostname)
        pool: ConnectionPool = self.poolmanager.connection_from_host(
            **host_params, pool_kwargs=tls_kwargs
        )
        return pool


@dataclass(frozen=True)
class Reply:
    """The receiver's answer: status, headers, and at most the first ``max_body`` bytes."""

    status_code: int
    headers: Mapping[str, str]
    body: bytes
    truncated: bool

    def json(self) -> Any:
        """The body as JSON (``ValueError`` when it is not)."""
        return json.loads(self.body)


def post_pinned(
    session: requests.Session,
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    max_body: int = 64 * 1024,
) -> Reply:
    """POST `body` to the target's checked address; redirects are returned, never followed."""
    return send_pinned(session, "POST", target, headers, timeout, max_body, data=body)


def send_pinned(
    session: requests.Session,
    method: str,
    target: Target,
    headers: Mapping[str, str],
    timeout: float | tuple[float, float],
    max_body: int = 64 * 1024,
    **request: Any,
) -> Reply:
    """Send to the target's checked address; redirects are returned, never followed.

    ``request`` is what ``requests.Request`` takes (``params``, ``data``, ``json``). Only the
    first ``max_body`` bytes of the answer are read: a receiver cannot make a worker download
    (or hold in memory) an unbounded body. The session's pinned adapter does the retries, if
    it was mounted with any (``mount_pinned``), always to the same address.
    """
    merged: CaseInsensitiveDict[str | bytes] = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    merged["Host"] = target.host_header
    prepared = requests.Request(method, target.pinned_url, headers=merged, **request).prepare()
    # Straight to the adapter: Session.send would add environment proxies and session cookies,
    # and follow redirects.
    response = _adapter(session).send(
        prepared,
        stream=True,
        timeout=timeout,
        verify=session.verify if session.verify is not None else True,
        cert=session.cert,
        proxies={},
    )
    try:
        kept = response.raw.read(max_body + 1, decode_content=True) or b""
    except Exception:
        response.raw.close()
        raise
    truncated = len(kept) > max_body
    if truncated:
        response.raw.close()  # drop the connection rather than drain the rest
    else:
        response.raw.release_conn()  # fully read: the connection goes back to the pool
    return Reply(response.status_code, response.headers, kept[:max_body], truncated)


def mount_pinned(session: requests.Session, adapter: PinnedAdapter) -> None:
    """Use ``adapter`` (with its retry policy and pool sizes) for the session's pinned sends."""
    with _mount_lock:
        session.mount(_MOUNT_PREFIX, adapter)


def _adapter(session: requests.Session) -> PinnedAdapter:
    with _mount_lock:
        adapter = session.adapters.get(_MOUNT_PREFIX)
        if not isinstance(adapter, PinnedAdapter):
            adapter = PinnedAdapter()
            # Mounted, so Session.close() closes its pools too.
            session.mount(_MOUNT_PREFIX, adapter)
        return adapter


@functools.cache
def user_agent() -> str:
    """``stampgate/<version>``: how the gateway names itself to receivers and POS systems."""
    # Cached: reading the installed version searches every distribution on sys.path.
    return f"stampgate/{package_version('stampgate')}"


def outbound_session() -> requests.Session:
    """A pooled session that names the gateway in its User-Agent, not as python-requests."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent()
    return session
