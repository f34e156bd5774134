"""What can go wrong talking to a POS, classified by what processing should do about it."""

# ruff: noqa: N818 - these name outcomes (unavailable, rejected), as the callers speak of them

from __future__ import annotations


class PosError(Exception):
    """Base of the POS errors; the message is kept on the inbound event."""


class PosUnavailable(PosError):
    """A network error, a 5xx or a rate limit: try again later (after ``retry_after`` seconds)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PosAuthRejected(PosError):
    """The POS refused our credentials: the connection needs re-authorisation; events wait."""


class PosRejected(PosError):
    """The POS answered with an error that another try will not fix."""


class EventRejected(Exception):
    """The event itself cannot be processed (an error report, unusable data): it fails now."""
