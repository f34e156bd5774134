"""A self-signed root -> intermediate -> leaf chain standing in for Apple's (root, WWDR, Pass
Type ID certificate), made once per test session with small EC keys (fast to generate)."""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PASS_TYPE_ID = "pass.com.example.cafe"
TEAM_ID = "A1B2C3D4E5"


@dataclass(frozen=True)
class Chain:
    """PEM blocks of the test chain, and a second key that belongs to none of them."""

    root_pem: str
    root_key_pem: str
    wwdr_pem: str
    certificate_pem: str
    key_pem: str
    other_key_pem: str
    expired_certificate_pem: str
    expiring_certificate_pem: str  # of the same key, valid for 10 more days

    def body(self, **changes: str) -> dict[str, str]:
        """A ``PUT /v1/wallet/apple`` body of this chain."""
        return {
            "pass_type_id": PASS_TYPE_ID,
            "team_id": TEAM_ID,
            "certificate_pem": self.certificate_pem,
            "key_pem": self.key_pem,
            "wwdr_pem": self.wwdr_pem,
            **changes,
        }

    def root_certificate(self) -> x509.Certificate:
        """The root certificate (to issue more certificates under it)."""
        return x509.load_pem_x509_certificate(self.root_pem.encode())

    def write_root(self, folder: Path) -> Path:
        """The root certificate as a file (for ``openssl -CAfile``)."""
        path = folder / "root.pem"
        path.write_text(self.root_pem)
        return path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    days: tuple[int, int] = (-1, 365),
    dns: str | None = None,
) -> x509.Certificate:
    """A certificate of ``key`` signed by ``issuer_key``, valid ``days`` around now."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(dns), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


@functools.cache
def chain() -> Chain:
    """The session's test chain."""
    root_key, wwdr_key, pass_key = new_key(), new_key(), new_key()
    root = issue("Test Root CA", root_key, _name("Test Root CA"), root_key, ca=True)
    wwdr = issue("Test WWDR", wwdr_key, root.subject, root_key, ca=True)
    leaf = issue(f"Pass Type ID: {PASS_TYPE_ID}", pass_key, wwdr.subject, wwdr_key, ca=False)
    expired = issue("Expired pass", pass_key, wwdr.subject, wwdr_key, ca=False, days=(-400, -35))
    expiring = issue("Expiring pass", pass_key, wwdr.subject, wwdr_key, ca=False, days=(-1, 10))
    return Chain(
        root_pem=_pem(root),
        root_key_pem=_key_pem(root_key),
        wwdr_pem=_pem(wwdr),
        certificate_pem=_pem(leaf),
        key_pem=_key_pem(pass_key),
        other_key_pem=_key_pem(new_key()),
        expired_certificate_pem=_pem(expired),
        expiring_certificate_pem=_pem(expiring),
    )
