"""Text rules shared by request models."""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f]")


def reject_control_characters(value: str) -> str:
    """Refuse text with control characters (they hide in codes and ids pasted from elsewhere)."""
    if not value.isprintable():
        raise ValueError("must not contain control characters")
    return value


def spelled_out(value: str) -> str:
    """The text with its control characters written as ``\\xNN``, to name refused input safely."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
