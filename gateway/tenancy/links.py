"""Signed one-time links (set-password links, staff seats' sign-in links): an id and a value
that stops matching once the link is used, signed with the gateway's secret and timed."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from gateway.errors import DomainError


def sign_pair(secret_key: str, salt: str, first: str, second: str) -> str:
    """A URL-safe signed token carrying the two strings."""
    return str(URLSafeTimedSerializer(secret_key, salt=salt).dumps([first, second]))


def signed_pair(secret_key: str, salt: str, token: str, max_age: int) -> tuple[str, str]:
    """The two strings of a token; ``not_found`` when it is forged, garbled or too old."""
    serializer = URLSafeTimedSerializer(secret_key, salt=salt)
    try:
        first, second = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError("not_found", "This link has expired; ask for a new one.") from None
    except (BadSignature, ValueError, TypeError):
        raise DomainError("not_found", "This link is not valid.") from None
    return str(first), str(second)
