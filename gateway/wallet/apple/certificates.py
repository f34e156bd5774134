"""Reading and checking a merchant's Pass Type ID certificate, its key and Apple's WWDR
intermediate: pure (pyca/cryptography), no database and no web framework."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias

from gateway.errors import DomainError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    SigningKey: TypeAlias = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# pyca/cryptography is imported when a certificate or key is read or written, not by every
# web worker at start: its bindings weigh megabytes in each, and most workers sign nothing.

EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True)
class SigningIdentity:
    """What signs a pass: the Pass Type ID certificate, its private key and the WWDR
    intermediate the signature carries."""

    certificate: x509.Certificate
    key: SigningKey
    wwdr: x509.Certificate

    @property
    def subject(self) -> str:
        """The certificate's subject, as RFC 4514 writes it."""
        return self.certificate.subject.rfc4514_string()

    @property
    def not_after(self) -> datetime:
        """When the certificate stops being valid."""
        return self.certificate.not_valid_after_utc


def unreadable_pem(what: str) -> DomainError:
    """The refusal of a PEM field that holds no readable certificate or key."""
    return DomainError(
        "wallet_pem_unreadable",
        f"The {what} is not a readable PEM block.",
        errors=[{"loc": ["body", what], "msg": "not a readable PEM block", "type": "value_error"}],
    )


def read_certificate(pem: str, what: str) -> x509.Certificate:
    """The certificate of a PEM field; ``wallet_pem_unreadable`` otherwise."""
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise unreadable_pem(what) from None


def read_key(pem: str) -> SigningKey:
    """The (unencrypted) RSA or EC private key of a PEM field."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise unreadable_pem("key_pem") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise unreadable_pem("key_pem")
    return key


def _public_bytes(key: object) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    assert isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_identity(identity: SigningIdentity, now: datetime) -> SigningIdentity:
    """The identity, if its key is the certificate's and the certificate is still valid."""
    if _public_bytes(identity.key.public_key()) != _public_bytes(identity.certificate.public_key()):
        raise DomainError(
            "wallet_key_mismatch", "The private key does not belong to the certificate."
        )
    if identity.not_after <= now:
        raise DomainError(
            "wallet_certificate_expired",
            f"The certificate expired on {identity.not_after.date().isoformat()}: "
            "create a new one for the Pass Type ID.",
        )
    return identity


def identity_from_pems(certificate_pem: str, key_pem: str, wwdr_pem: str) -> SigningIdentity:
    """The identity the three PEM blocks describe (read, not yet checked)."""
    return SigningIdentity(
        certificate=read_certificate(certificate_pem, "certificate_pem"),
        key=read_key(key_pem),
        wwdr=read_certificate(wwdr_pem, "wwdr_pem"),
    )


def pems_from_pkcs12(bundle: bytes, password: str) -> tuple[str, str]:
    """The certificate and key PEM blocks of a PKCS#12 (.p12) export."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, certificate, _others = pkcs12.load_key_and_certificates(
            bundle, password.encode() or None
        )
    except ValueError:
        raise unreadable_pem("pkcs12") from None
    if certificate is None or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise unreadable_pem("pkcs12")
    return certificate_pem(certificate), key_pem(key)


def certificate_pem(certificate: x509.Certificate) -> str:
    """A certificate as a PEM block."""
    from cryptography.hazmat.primitives import serialization

    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key: SigningKey) -> str:
    """A private key as an unencrypted PKCS#8 PEM block."""
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def expires_soon(not_after: datetime, now: datetime) -> bool:
    """True within 30 days of the certificate's expiry (and after it)."""
    return not_after - now <= EXPIRY_WARNING
