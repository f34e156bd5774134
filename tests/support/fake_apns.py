"""A fake APNs: HTTP/2 over TLS on 127.0.0.1 (the ``h2`` package), asking for a client
certificate of the test chain, answering 200, or 410 for the push tokens it is told are gone."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.events import DataReceived, RequestReceived, StreamEnded

from tests.support.wallet_certs import chain, issue, new_key


@dataclass(frozen=True)
class Push:
    """One push as APNs received it."""

    path: str
    topic: str
    body: bytes
    client_subject: str
    at: float  # time.monotonic() when it arrived


@dataclass
class FakeApns:
    """The server's address, the CA file that trusts it, and the pushes it received."""

    url: str
    ca_file: str
    gone: set[str] = field(default_factory=set)
    refusals: dict[str, tuple[int, str]] = field(default_factory=dict)  # token -> status, reason
    pushes: list[Push] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Push]:
        """The pushes, once ``count`` have arrived (or the timeout passed)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.pushes) >= count, timeout)
            return list(self.pushes)


def _server_context(folder: Path) -> ssl.SSLContext:
    test_chain = chain()
    root_key = serialization.load_pem_private_key(test_chain.root_key_pem.encode(), None)
    key = new_key()
    root = test_chain.root_certificate()
    certificate = issue("127.0.0.1", key, root.subject, root_key, ca=False, dns="localhost")  # type: ignore[arg-type]
    (folder / "server.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "clients.pem").write_text(test_chain.root_pem + test_chain.wwdr_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "server.pem", folder / "server.key")
    context.load_verify_locations(folder / "clients.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    return context


def _subject(connection: ssl.SSLSocket) -> str:
    peer = connection.getpeercert(binary_form=True)
    if peer is None:
        return ""
    names = x509.load_der_x509_certificate(peer).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def _serve_connection(fake: FakeApns, connection: ssl.SSLSocket) -> None:
    h2 = H2Connection(config=H2Configuration(client_side=False))
    h2.initiate_connection()
    connection.sendall(h2.data_to_send())
    heads: dict[int, dict[str, str]] = {}
    bodies: dict[int, bytes] = {}
    subject = _subject(connection)
    while data := connection.recv(65535):
        for event in h2.receive_data(data):
            if isinstance(event, RequestReceived):
                heads[event.stream_id] = {
                    (k.decode() if isinstance(k, bytes) else k): (
                        v.decode() if isinstance(v, bytes) else v
                    )
                    for k, v in event.headers
                }
            elif isinstance(event, DataReceived):
                bodies[event.stream_id] = bodies.get(event.stream_id, b"") + event.data
                h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, StreamEnded):
                _answer(
                    fake,
                    h2,
                    event.stream_id,
                    heads.pop(event.stream_id),
                    bodies.pop(event.stream_id, b""),
                    subject,
                )
        connection.sendall(h2.data_to_send())


def _answer(
    fake: FakeApns, h2: H2Connection, stream: int, head: dict[str, str], body: bytes, subject: str
) -> None:
    path = head.get(":path", "")
    token = path.rsplit("/", 1)[-1]
    status, answer = (410, {"reason": "Unregistered"}) if token in fake.gone else (200, None)
    if token in fake.refusals:
        status, reason = fake.refusals[token]
        answer = {"reason": reason}
    payload = json.dumps(answer).encode() if answer else b""
    h2.send_headers(stream, [(":status", str(status)), ("content-length", str(len(payload)))])
    h2.send_data(stream, payload, end_stream=True)
    with fake.arrived:
        fake.pushes.append(Push(path, head.get("apns-topic", ""), body, subject, time.monotonic()))
        fake.arrived.notify_all()


def _accept(fake: FakeApns, listener: socket.socket, context: ssl.SSLContext) -> None:
    while True:
        try:
            raw, _address = listener.accept()
        except OSError:
            return
        try:
            connection = context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            continue
        threading.Thread(target=_serve_safely, args=(fake, connection), daemon=True).start()


def _serve_safely(fake: FakeApns, connection: ssl.SSLSocket) -> None:
    try:
        _serve_connection(fake, connection)
    except (OSError, ssl.SSLError):
        pass
    finally:
        connection.close()


@contextmanager
def running_apns(folder: Path) -> Iterator[FakeApns]:
    """A fake APNs for the test; its ``url`` and ``ca_file`` go into the settings."""
    context = _server_context(folder)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    fake = FakeApns(url=f"https://127.0.0.1:{port}", ca_file=str(folder / "ca.pem"))
    Path(fake.ca_file).write_text(chain().root_pem)
    threading.Thread(target=_accept, args=(fake, listener, context), daemon=True).start()
    try:
        yield fake
    finally:
        listener.close()
