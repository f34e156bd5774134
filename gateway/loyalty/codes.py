"""Redeem code text: generating unique codes from a pattern, and the key codes are matched by."""

from __future__ import annotations

import secrets

from gateway.loyalty.rewards import CODE_PLACEHOLDER

# No 0/O, 1/I/L: codes are read aloud and typed at tills.
UNAMBIGUOUS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def generate_code(pattern: str) -> str:
    """Fill every placeholder of ``pattern`` (``PZ-####-####``) with a random character."""
    return "".join(
        secrets.choice(UNAMBIGUOUS) if char == CODE_PLACEHOLDER else char for char in pattern
    )


def code_key(code: str) -> str:
    """What two codes must share to be the same code: trimmed, case-insensitive."""
    return code.strip().casefold()
