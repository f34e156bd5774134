"""The inbound event lifecycle: one transition table for processing, waiting and retrying."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class InboundStatus(StrEnum):
    """Where an inbound event is: waiting for its turn, done, or stopped."""

    PENDING = "pending"  # due for processing (now or at next_attempt_at)
    PROCESSED = "processed"
    IGNORED = "ignored"  # stored, nothing to do (an open order, an object we do not use)
    FAILED = "failed"  # its retries ran out, or it can never succeed; retried by hand
    WAITING = "waiting"  # the connection needs re-authorisation; resumes when it has it


class InboundAction(StrEnum):
    """What can happen to an inbound event."""

    COMPLETE = "complete"
    IGNORE = "ignore"
    RETRY_LATER = "retry_later"
    FAIL = "fail"
    PARK = "park"
    RETRY = "retry"  # by hand, through the API
    RESUME = "resume"  # the connection was re-authorised


_S = InboundStatus
_A = InboundAction

TRANSITIONS: Final[Mapping[tuple[InboundStatus, InboundAction], InboundStatus]] = MappingProxyType(
    {
        (_S.PENDING, _A.COMPLETE): _S.PROCESSED,
        (_S.PENDING, _A.IGNORE): _S.IGNORED,
        (_S.PENDING, _A.RETRY_LATER): _S.PENDING,
        (_S.PENDING, _A.FAIL): _S.FAILED,
        (_S.PENDING, _A.PARK): _S.WAITING,
        (_S.FAILED, _A.RETRY): _S.PENDING,
        (_S.WAITING, _A.RETRY): _S.PENDING,
        (_S.IGNORED, _A.RETRY): _S.PENDING,
        (_S.WAITING, _A.RESUME): _S.PENDING,
    }
)


def sources_of(action: InboundAction) -> frozenset[InboundStatus]:
    """The statuses ``action`` may be taken from."""
    return frozenset(status for status, taken in TRANSITIONS if taken == action)


def target_of(action: InboundAction) -> InboundStatus:
    """The status ``action`` leads to (each action has one)."""
    targets = {target for (_status, taken), target in TRANSITIONS.items() if taken == action}
    (target,) = targets
    return target
