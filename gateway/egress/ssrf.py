"""SSRF guard: which webhook URLs may be called, and the address a delivery is pinned to."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TypeAlias
from urllib.parse import urlsplit

IPAddress: TypeAlias = IPv4Address | IPv6Address
IPNetwork: TypeAlias = IPv4Network | IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}

# Checked in order, first match names the reason; `is_global` below is only the backstop, because
# its answers differ between Python releases and say nothing about why.
_BLOCKED_V4: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(cidr), label)
    for cidr, label in (
        ("0.0.0.0/8", "an unspecified ('this network') address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address (where cloud metadata services live)"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "an IETF protocol assignment address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", "a reserved address"),
    )
)
_BLOCKED_V6: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(cidr), label)
    for cidr, label in (
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        # A mapped address reaches IPv4 through the local stack; no public host publishes one.
        ("::ffff:0:0/96", "an IPv4-mapped address"),
        ("100::/64", "a discard-only address"),
        # The IPv4 end of a Teredo tunnel is chosen by whoever controls the address.
        ("2001::/32", "a Teredo address"),
        ("2001:db8::/32", "a documentation address"),
        ("fc00::/7", "a private (unique local) address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    )
)
_SIX_TO_FOUR = IPv6Network("2002::/16")
_NAT64 = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))


ALLOW_NETWORKS = "list its network in STAMPGATE_WEBHOOK_ALLOWED_NETWORKS"
ALLOW_PLAIN_HTTP = (
    "set STAMPGATE_WEBHOOK_REQUIRE_HTTPS=false, or list its network in "
    "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS"
)


class UrlNotAllowed(Exception):  # noqa: N818 - the name the contract and callers use
    """A webhook URL the guard refuses; `reason` says why in words a merchant understands."""

    def __init__(self, reason: str, allowed_by: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # The setting an operator changes to allow such a URL, when one would.
        self.allowed_by = allowed_by


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard, pinned to the address that was checked."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    path_and_query: str

    @property
    def pinned_url(self) -> str:
        """The URL with the checked address in place of the host name."""
        return f"{self.scheme}://{_netloc(self.address, self.port)}{self.path_and_query}"

    @property
    def host_header(self) -> str:
        """The `Host` header the original URL would have sent."""
        if self.port == DEFAULT_PORTS[self.scheme]:
            return f"[{self.host}]" if ":" in self.host else self.host
        return _netloc(self.host, self.port)


def check_url(url: str, allowed_networks: Sequence[str] = (), require_https: bool = True) -> Target:
    """Vet a webhook URL and every address it resolves to; raise UrlNotAllowed if any is unsafe."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise UrlNotAllowed(f"scheme {parts.scheme or '(none)'!r} is not allowed, only http(s)")
    if "@" in parts.netloc:
        raise UrlNotAllowed("URLs with credentials (user:password@) are not allowed")
    if not parts.hostname:
        raise UrlNotAllowed("the URL has no host")
    try:
        port = DEFAULT_PORTS[parts.scheme] if parts.port is None else parts.port
        host = parts.hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as error:
        raise UrlNotAllowed(f"the URL is malformed: {error}") from None
    if port == 0:
        raise UrlNotAllowed("port 0 is not a valid port")
    allowed = [ip_network(cidr, strict=False) for cidr in allowed_networks]
    literal = _literal(host)
    addresses = [literal] if literal is not None else _resolve(host, port)
    for address in addresses:
        if not _inside(address, allowed) and (label := _blocked_reason(address)):
            where = f"{address} is" if literal is not None else f"{host} resolves to {address},"
            raise UrlNotAllowed(f"{where} {label}", ALLOW_NETWORKS)
    # Plain http is only trusted inside networks the operator named, such as a test receiver.
    inside_allowed = all(_inside(address, allowed) for address in addresses)
    if require_https and parts.scheme != "https" and not inside_allowed:
        raise UrlNotAllowed(f"https is required for {host}", ALLOW_PLAIN_HTTP)
    path_and_query = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url, parts.scheme, host, port, str(addresses[0]), path_and_query)


def _blocked_reason(address: IPAddress) -> str | None:
    if isinstance(address, IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = _blocked_reason(embedded)
            return None if inner is None else f"an address embedding {embedded}, {inner}"
    table = _BLOCKED_V4 if isinstance(address, IPv4Address) else _BLOCKED_V6
    for network, label in table:
        if address in network:
            return label
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if any(address in prefix for prefix in _NAT64):
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UrlNotAllowed(f"cannot resolve {host}: {error}") from None
    # Every answer is checked: a resolver mixing a public and a private answer must not win.
    addresses = list(dict.fromkeys(ip_address(info[4][0]) for info in infos))
    if not addresses:
        raise UrlNotAllowed(f"cannot resolve {host}: no addresses")
    return addresses


def _inside(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
