"""Password hashing (argon2id, argon2-cffi's recommended parameters) and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gateway.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 256
_hasher = PasswordHasher()
# Verified when no account matches, so a login takes as long for an unknown address.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def check_password_rules(password: str) -> None:
    """Refuse a password too short to resist guessing or too long to hash cheaply."""
    if len(password) < MIN_LENGTH:
        raise DomainError("validation_error", f"password: use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise DomainError(
            "validation_error",
            f"password: use at most {MAX_LENGTH} characters.",
            field="password",
        )


def hash_password(password: str) -> str:
    """The argon2id hash to store."""
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed (constant work when there is no hash)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
