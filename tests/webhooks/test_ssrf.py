"""The SSRF guard: which webhook URLs are refused, and pinned delivery over real local sockets."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from gateway.egress.pinned import post_pinned
from gateway.egress.ssrf import Target, UrlNotAllowed, check_url

LOOPBACK = ["127.0.0.0/8"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.5/", "10.0.0.5 is a private address"),
        ("https://172.16.0.1/", "private"),
        ("https://172.31.255.255/", "private"),
        ("https://192.168.1.1/", "private"),
        ("https://[fc00::1]/", "private"),
        ("https://[fd12:3456::1]/", "private"),
        ("http://127.0.0.1/", "loopback"),
        ("https://127.8.9.10:8443/", "loopback"),
        ("https://[::1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fe80::1]/", "link-local"),
        ("https://[fec0::1]/", "site-local"),
        ("https://100.64.0.1/", "carrier-grade NAT"),
        ("https://100.127.255.254/", "carrier-grade NAT"),
        ("https://224.0.0.1/", "multicast"),
        ("https://239.255.255.250/", "multicast"),
        ("https://[ff02::1]/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("https://0.1.2.3/", "unspecified"),
        ("https://[::]/", "unspecified"),
        ("https://240.0.0.1/", "reserved"),
        ("https://255.255.255.255/", "broadcast"),
        ("https://192.0.2.1/", "documentation"),
        ("https://198.51.100.7/", "documentation"),
        ("https://203.0.113.9/", "documentation"),
        ("https://[2001:db8::1]/", "documentation"),
        ("https://198.18.0.1/", "benchmarking"),
        ("https://198.19.255.255/", "benchmarking"),
        ("https://192.0.0.9/", "IETF protocol assignment"),
        ("https://192.0.0.171/", "IETF protocol assignment"),
        ("https://[100::1]/", "discard-only"),
        ("https://[::0a00:1]/", "reserved"),
        ("http://[::ffff:10.0.0.1]/", "IPv4-mapped"),
        ("https://[::ffff:1.1.1.1]/", "IPv4-mapped"),
        ("http://[2002:0a00:0001::]/", "embedding 10.0.0.1, a private address"),
        ("https://[2002:a9fe:a9fe::1]/", "embedding 169.254.169.254, a link-local address"),
        ("http://[64:ff9b::0a00:0001]/", "embedding 10.0.0.1, a private address"),
        ("https://[64:ff9b::127.0.0.1]/", "embedding 127.0.0.1, a loopback address"),
        ("https://[64:ff9b:1::c0a8:101]/", "embedding 192.168.1.1, a private address"),
        ("https://[2001::1]/", "Teredo"),
        ("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"),
        # Numeric host spellings the resolver accepts but ipaddress does not.
        ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback address"),
        ("http://0x7f000001/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://017700000001/", "loopback"),
        ("http://localhost:8080/hook", "localhost resolves to 127.0.0.1, a loopback address"),
        ("ftp://example.com/", "scheme 'ftp' is not allowed"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://127.0.0.1:6379/_INFO", "scheme 'gopher'"),
        ("example.com/hook", "scheme '(none)'"),
        ("http://user:pw@example.com/", "credentials"),
        ("https://user@example.com/", "credentials"),
        ("https://example.com\\@10.0.0.1/", "credentials"),
        ("https:///hook", "no host"),
        ("https://:443/hook", "no host"),
        ("https://example.com:99999/", "malformed"),
        ("https://example.com:0/", "port 0"),
        ("https://a..b/", "malformed"),
    ],
)
def test_refused(url: str, reason: str) -> None:
    with pytest.raises(UrlNotAllowed) as refused:
        check_url(url)
    assert reason in refused.value.reason
    assert str(refused.value) == refused.value.reason


@pytest.mark.parametrize(
    ("url", "address", "port", "path_and_query"),
    [
        ("https://1.1.1.1/", "1.1.1.1", 443, "/"),
        ("https://8.8.8.8:8443/hooks?shop=7", "8.8.8.8", 8443, "/hooks?shop=7"),
        ("https://9.9.9.9", "9.9.9.9", 443, "/"),
        ("HTTPS://[2606:4700:4700::1111]/x#frag", "2606:4700:4700::1111", 443, "/x"),
        # 6to4 and NAT64 forms of a public IPv4 address are as public as the address itself.
        ("https://[2002:0101:0101::]/", "2002:101:101::", 443, "/"),
        ("https://[64:ff9b::1.1.1.1]/", "64:ff9b::101:101", 443, "/"),
    ],
)
def test_public_literals_pass(url: str, address: str, port: int, path_and_query: str) -> None:
    target = check_url(url)
    assert target.url == url
    assert target.scheme == "https"
    assert (target.address, target.port, target.path_and_query) == (address, port, path_and_query)


def test_https_is_required_unless_switched_off() -> None:
    with pytest.raises(UrlNotAllowed, match=r"https is required for 1\.1\.1\.1"):
        check_url("http://1.1.1.1/hook")
    target = check_url("http://1.1.1.1/hook", require_https=False)
    assert (target.scheme, target.port, target.pinned_url) == ("http", 80, "http://1.1.1.1:80/hook")


def test_switching_https_off_does_not_open_private_addresses() -> None:
    with pytest.raises(UrlNotAllowed, match="private"):
        check_url("http://10.0.0.5/", require_https=False)


def test_allowed_networks_exempt_their_addresses_even_over_http() -> None:
    assert check_url("http://127.0.0.1:8080/hook", LOOPBACK).address == "127.0.0.1"
    assert check_url("http://localhost:8080/hook", LOOPBACK).address == "127.0.0.1"
    assert check_url("https://10.1.2.3/", ["10.0.0.0/8"]).address == "10.1.2.3"
    assert check_url("http://[::1]:9000/", ["::1/128"]).address == "::1"
    assert check_url("http://[fd00::5]/", ["fd00::/8"]).host_header == "[fd00::5]"


def test_allowed_networks_exempt_nothing_else() -> None:
    with pytest.raises(UrlNotAllowed, match="private"):
        check_url("http://10.0.0.5/", LOOPBACK)
    # IPv4 rules must not leak onto IPv6 addresses with the same low 32 bits.
    with pytest.raises(UrlNotAllowed, match="IPv4-mapped"):
        check_url("http://[::ffff:127.0.0.1]/", LOOPBACK)


def test_http_to_a_public_address_needs_https_even_with_allowed_networks() -> None:
    with pytest.raises(UrlNotAllowed, match="https is required"):
        check_url("http://1.1.1.1/", LOOPBACK)


def fake_dns(monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
    """Make every host name resolve to `answers` (the test machine has no DNS)."""

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_host_name_is_pinned_to_its_first_address(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, "1.1.1.1", "1.0.0.1", "1.1.1.1")
    target = check_url("https://Hooks.Example.COM:8443/a/b?c=d#frag")
    assert target == Target(
        url="https://Hooks.Example.COM:8443/a/b?c=d#frag",
        scheme="https",
        host="hooks.example.com",
        port=8443,
        address="1.1.1.1",
        path_and_query="/a/b?c=d",
    )
    assert target.pinned_url == "https://1.1.1.1:8443/a/b?c=d"
    assert target.host_header == "hooks.example.com:8443"


def test_one_blocked_answer_among_public_ones_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, "1.1.1.1", "2606:4700::1111", "169.254.169.254")
    with pytest.raises(UrlNotAllowed, match=r"hooks\.example\.com resolves to 169\.254\.169\.254"):
        check_url("https://hooks.example.com/")


def test_an_unresolvable_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch)
    with pytest.raises(UrlNotAllowed, match=r"cannot resolve nowhere\.example"):
        check_url("https://nowhere.example/")


def test_international_names_are_resolved_and_sent_in_ascii(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, "1.1.1.1")
    assert check_url("https://bücher.example/").host_header == "xn--bcher-kva.example"


# Receivers: real HTTP(S) servers on 127.0.0.1, one thread each.


@dataclass
class Received:
    method: str
    path: str
    host: str
    body: bytes
    client_port: int


@dataclass
class Receiver:
    port: int
    received: list[Received] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable
    timeout = 5
    receiver: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.receiver.received.append(
            Received("POST", self.path, self.headers["Host"], body, self.client_address[1])
        )
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.receiver.port}/elsewhere")
        else:
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(context: ssl.SSLContext | None = None) -> Receiver:
        receiver = Receiver(port=0)
        handler = type("BoundHandler", (Handler,), {"receiver": receiver})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        receiver.port = server.server_address[1]
        if context is not None:
            context.sni_callback = lambda _sock, name, _ctx: receiver.server_names.append(name)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append((server, thread))
        return receiver

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()


def test_post_pinned_delivers_to_the_checked_address(serve: Any) -> None:
    receiver: Receiver = serve()
    target = check_url(f"http://localhost:{receiver.port}/hook?x=1", LOOPBACK)
    body = b'{"type":"webhook.test"}'
    with requests.Session() as session:
        first = post_pinned(session, target, body, {"Content-Type": "application/json"}, 5)
        second = post_pinned(session, target, b"again", {}, 5)
        pinned_adapters = [a for p, a in session.adapters.items() if p.startswith("stampgate")]
    assert (first.status_code, second.status_code) == (204, 204)
    assert [r.body for r in receiver.received] == [body, b"again"]
    assert {(r.method, r.path, r.host) for r in receiver.received} == {
        ("POST", "/hook?x=1", f"localhost:{receiver.port}")
    }
    # One adapter per session, and the second delivery reused the first one's connection.
    assert len(pinned_adapters) == 1
    assert receiver.received[0].client_port == receiver.received[1].client_port


def test_post_pinned_returns_redirects_without_following_them(serve: Any) -> None:
    receiver: Receiver = serve()
    target = check_url(f"http://localhost:{receiver.port}/redirect", LOOPBACK)
    with requests.Session() as session:
        response = post_pinned(session, target, b"{}", {}, 5)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/elsewhere")
    assert [r.path for r in receiver.received] == ["/redirect"]


@pytest.fixture(scope="module")
def localhost_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the name "localhost" only (no IP address in it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    options = "-x509 -nodes -days 1 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
    names = "-subj /CN=localhost -addext subjectAltName=DNS:localhost"
    subprocess.run(
        [openssl, "req", *options.split(), *names.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def tls_server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_https_verifies_the_host_name_while_connecting_to_the_address(
    serve: Any, localhost_cert: tuple[Path, Path]
) -> None:
    receiver: Receiver = serve(tls_server_context(*localhost_cert))
    target = check_url(f"https://localhost:{receiver.port}/hook", LOOPBACK)
    assert target.address == "127.0.0.1"
    with requests.Session() as session:
        session.verify = str(localhost_cert[0])
        response = post_pinned(session, target, b"{}", {}, 5)
    assert response.status_code == 204
    assert receiver.server_names == ["localhost"]
    assert [(r.path, r.host) for r in receiver.received] == [
        ("/hook", f"localhost:{receiver.port}")
    ]


def test_https_refuses_a_certificate_for_another_name(
    serve: Any, localhost_cert: tuple[Path, Path]
) -> None:
    receiver: Receiver = serve(tls_server_context(*localhost_cert))
    # As if DNS for hooks.example.com had pointed at this server: the certificate does not match.
    target = Target(
        f"https://hooks.example.com:{receiver.port}/hook",
        "https",
        "hooks.example.com",
        receiver.port,
        "127.0.0.1",
        "/hook",
    )
    with requests.Session() as session:
        session.verify = str(localhost_cert[0])
        with pytest.raises(requests.exceptions.SSLError, match=r"hooks\.example\.com"):
            post_pinned(session, target, b"{}", {}, 5)
    assert receiver.server_names == ["hooks.example.com"]
    assert receiver.received == []
