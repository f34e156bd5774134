"""Domain errors: an expected failure with a stable machine ``code``, never an HTTP status.

Services, connectors and the input rules raise ``DomainError``; the HTTP edge
(``gateway.api.problems``) looks the code up in its one table of statuses and answers
``application/problem+json``. The command line shows the same ``detail``.
"""

from __future__ import annotations

import math
from typing import Any


class DomainError(Exception):
    """A refusal the caller can act on: ``code`` is the public contract, ``detail`` says why.

    ``extra`` members (field ``errors``, readiness ``checks``...) go into the problem body as
    they are; ``retry_after`` is how many seconds to wait before trying again, if that helps;
    ``challenge`` is how to authenticate instead (``Bearer realm="metrics"``).
    """

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        retry_after: int | None = None,
        challenge: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.challenge = challenge
        self.extra = extra


def not_found(what: str) -> DomainError:
    """The ``not_found`` every lookup answers, also for objects of another merchant."""
    return DomainError("not_found", f"{what} not found")


def too_many_attempts(detail: str, retry_after: float) -> DomainError:
    """``too_many_attempts``, saying in how many whole seconds to try again."""
    seconds = max(1, math.ceil(retry_after))
    return DomainError(
        "too_many_attempts", f"{detail} Retry after {seconds} s.", retry_after=seconds
    )
