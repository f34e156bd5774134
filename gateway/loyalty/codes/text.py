"""Redeem code text: generating unique codes from a pattern, and the key codes are matched by."""

from __future__ import annotations

import secrets

CODE_PLACEHOLDER = "#"
# No 0/O, 1/I/L: codes are read aloud and typed at tills.
UNAMBIGUOUS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# A pattern must offer this many codes per code expected to be issued: a guessed code then
# hits an issued one at most once in a million (with the rate limits and the lockout of the
# code routes, years of guessing per hit), and random draws rarely collide.
SPARSENESS = 1_000_000


def generate_code(pattern: str) -> str:
    """Fill every placeholder of ``pattern`` (``PZ-####-####``) with a random character."""
    return "".join(
        secrets.choice(UNAMBIGUOUS) if char == CODE_PLACEHOLDER else char for char in pattern
    )


def pattern_space(pattern: str) -> int:
    """How many different codes ``pattern`` can produce."""
    return int(len(UNAMBIGUOUS) ** pattern.count(CODE_PLACEHOLDER))


def placeholders_needed(expected_volume: int) -> int:
    """The fewest placeholders whose space is sparse enough for ``expected_volume`` codes."""
    count = 1
    while len(UNAMBIGUOUS) ** count < expected_volume * SPARSENESS:
        count += 1
    return count


def code_key(code: str) -> str:
    """What two codes must share to be the same code: trimmed, case-insensitive."""
    return code.strip().casefold()
