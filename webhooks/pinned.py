"""Deliveries that connect to the address the SSRF guard checked, never to a fresh DNS answer."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connectionpool import ConnectionPool

from webhooks.ssrf import Target

# Never a prefix of a real URL, so the session only reaches this adapter through post_pinned.
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


def post_pinned(
    session: requests.Session,
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    max_body: int = 64 * 1024,
) -> Reply:
    """POST `body` to the target's checked address; redirects are returned, never followed.

    Only the first ``max_body`` bytes of the answer are read: a receiver cannot make a worker
    download (or hold in memory) an unbounded body.
    """
    merged: CaseInsensitiveDict[str | bytes] = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    merged["Host"] = target.host_header
    request = requests.Request("POST", target.pinned_url, data=body, headers=merged).prepare()
    # Straight to the adapter: Session.send would add environment proxies and session cookies.
    response = _adapter(session).send(
        request,
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


def _adapter(session: requests.Session) -> PinnedAdapter:
    with _mount_lock:
        adapter = session.adapters.get(_MOUNT_PREFIX)
        if not isinstance(adapter, PinnedAdapter):
            adapter = PinnedAdapter()
            # Mounted, so Session.close() closes its pools too.
            session.mount(_MOUNT_PREFIX, adapter)
        return adapter
