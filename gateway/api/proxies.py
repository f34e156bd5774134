"""The client behind a proxy: X-Forwarded-* honoured only when configured, only from a proxy."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (and IPv4-mapped loopback); False for anything unparsable."""
    try:
        parsed = ip_address(address or "")
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)
    return bool(parsed.is_loopback or (mapped is not None and mapped.is_loopback))


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests whose peer is a trusted proxy; others untouched.

    With ``hops`` proxies in front, the client is the ``hops``-th address from the right of
    X-Forwarded-For (what the outermost proxy saw); entries further left are the client's own
    and never trusted. X-Forwarded-Proto is set, not appended, by the proxy next to the app:
    its last value counts.
    """

    def __init__(self, app: WSGIApplication, hops: int, networks: Iterable[str]) -> None:
        self._app = app
        self._networks: list[IPv4Network | IPv6Network] = [
            ip_network(network, strict=False) for network in networks
        ]
        self._fixed = ProxyFix(app, x_for=hops, x_proto=1)

    def _trusted(self, peer: str | None) -> bool:
        try:
            address = ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self._networks)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self._fixed(environ, start_response)
        return self._app(environ, start_response)


def trust_proxies(app: Any, hops: int, networks: Iterable[str]) -> None:
    """Wrap ``app.wsgi_app`` so ``request.remote_addr`` is the real client (no-op for 0 hops)."""
    if hops:
        app.wsgi_app = TrustedProxies(app.wsgi_app, hops, networks)


def _network_address(address: object) -> str | None:
    """``host:port`` of a gunicorn bind address reachable from other hosts, else None."""
    if not isinstance(address, tuple):  # a unix socket path (or an inherited descriptor)
        return None
    host = str(address[0]).strip("[]")
    if host == "localhost" or is_loopback(host):
        return None
    return f"{host or '0.0.0.0'}:{address[1]}"  # noqa: S104 - naming it, not binding it


def exposure_warning(addresses: Iterable[object], proxy_hops: int) -> str | None:
    """Why serving on these gunicorn bind addresses without a proxy in front is unsafe, or None."""
    exposed = [found for found in map(_network_address, addresses) if found]
    if not exposed or proxy_hops:
        return None
    return (
        f"listening on {', '.join(exposed)} without STAMPGATE_PROXY_HOPS: put a buffering proxy "
        "in front (deploy/nginx.conf) and set STAMPGATE_PROXY_HOPS=1; without one, slow clients "
        "can hold every gunicorn thread and client addresses are the peers' own"
    )
