"""E-mail addresses in one canonical form: trimmed and lower-cased."""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 254
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def normalize_email(raw: str) -> str:
    """``raw`` trimmed and lower-cased, if it looks like ``name@domain.tld``."""
    text = raw.strip().lower()
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"the e-mail address is longer than {MAX_EMAIL_LENGTH} characters")
    if not text.isprintable() or _EMAIL_SHAPE.fullmatch(text) is None:
        raise ValueError("not an e-mail address (expected name@domain.tld)")
    return text
