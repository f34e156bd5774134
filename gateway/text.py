"""Text rules shared by request models."""

from __future__ import annotations


def reject_control_characters(value: str) -> str:
    """Refuse text with control characters (they hide in codes and ids pasted from elsewhere)."""
    if not value.isprintable():
        raise ValueError("must not contain control characters")
    return value
