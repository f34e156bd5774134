"""The lockout of the code routes: a run of unknown codes (per API key and location, and per
API key) locks code lookups out for STAMPGATE_CODE_LOCKOUT_SECONDS and is reported as a
``fraud.suspected`` event. Promo codes on API sales count too (up to 20 a sale, they would be
the cheaper way to guess).

Only a successful redemption ends a run: checking a valid code consumes nothing, so one known
code checked between guesses would otherwise reset the run forever. The counters live in the
limiter's storage (Redis when configured), so every process sees the same runs.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import g
from limits.errors import StorageError
from limits.storage import Storage

from gateway.errors import DomainError, too_many_attempts
from gateway.extensions import extensions
from gateway.loyalty.codes.fraud import report_code_guessing
from gateway.loyalty.codes.lookup import UNKNOWN_CODE
from gateway.loyalty.codes.text import code_key
from gateway.timestamps import iso_utc

log = logging.getLogger(__name__)
_SHOWN_CHARACTERS = 2


@dataclass(frozen=True)
class _Run:
    """One counter of unknown codes in a row and the lock it sets when it grows too long."""

    scope: str
    counter: str
    lock: str
    threshold: int


@dataclass(frozen=True)
class CodeAttempt:
    """One code lookup by an API key at a location."""

    merchant_id: str
    api_key_id: str
    location: str | None
    operation: str

    def runs(self) -> list[_Run]:
        """The location's run and the key's run."""
        settings = extensions().settings
        place = f"{self.api_key_id}@{self.location or '-'}"
        return [
            _Run(
                "location", f"code-run/{place}", f"code-lock/{place}", settings.code_lockout_after
            ),
            _Run(
                "key",
                f"code-run/{self.api_key_id}",
                f"code-lock/{self.api_key_id}",
                settings.code_lockout_after_per_key,
            ),
        ]

    def refuse_when_locked(self) -> None:
        """429 ``too_many_attempts`` while a run of this key or location holds a lock."""
        storage = _storage()
        if storage is None:
            return
        try:
            ends = [storage.get_expiry(run.lock) for run in self.runs() if storage.get(run.lock)]
        except StorageError:
            log.warning("rate limit storage unreachable: code lockout not checked", exc_info=True)
            return
        if ends:
            raise too_many_attempts("Too many unknown codes in a row.", max(ends) - time.time())

    def unknown(self, code: str) -> None:
        """Count an unknown code; a run reaching its threshold locks out and is reported.

        A code already counted in the window is not counted again: a cashier retrying a typo,
        or a POS promotion that is no voucher on every sale, is not a guess."""
        storage = _storage()
        if storage is None:
            return
        window = extensions().settings.code_lockout_seconds
        digest = hashlib.sha256(code_key(code).encode()).hexdigest()[:32]
        try:
            if storage.incr(f"code-seen/{self.api_key_id}/{digest}", window) > 1:
                return
            for run in self.runs():
                if storage.incr(run.counter, window) < run.threshold:
                    continue
                storage.clear(run.counter)
                if storage.incr(run.lock, window) == 1:  # the first to lock reports
                    self._report(run, code, window, storage.get_expiry(run.lock))
        except StorageError:
            log.warning("rate limit storage unreachable: unknown code not counted", exc_info=True)

    def saw(self, redemptions: list[dict[str, Any]]) -> None:
        """Count the promo codes of a sale, in their order: unknown ones, and redemptions."""
        for redemption in redemptions:
            if redemption.get("reason") == UNKNOWN_CODE:
                self.unknown(str(redemption.get("code", "")))
            elif redemption.get("status") == "redeemed":
                self.redeemed()

    def redeemed(self) -> None:
        """A code redeemed a voucher: the runs of this key and location start again."""
        storage = _storage()
        if storage is None:
            return
        try:
            for run in self.runs():
                storage.clear(run.counter)
        except StorageError:
            log.warning("rate limit storage unreachable: run not reset", exc_info=True)

    def _report(self, run: _Run, code: str, window: int, locked_until: float) -> None:
        data = {
            "kind": "code_guessing",
            "scope": run.scope,
            "api_key_id": self.api_key_id,
            "location": self.location,
            "operation": self.operation,
            "unknown_codes": run.threshold,
            "window_seconds": window,
            "locked_until": iso_utc(datetime.fromtimestamp(locked_until, UTC)),
            "last_code_shape": code_shape(code),
        }
        with extensions().session_factory() as session:
            report_code_guessing(session, self.merchant_id, data)


def code_shape(code: str) -> str:
    """A code with all but its first characters masked: what was tried, never the value."""
    text = code.strip()
    shown = text[:_SHOWN_CHARACTERS]
    return shown + "".join("*" if char.isalnum() else char for char in text[len(shown) :])


@contextmanager
def code_attempt(operation: str, code: str, location: str | None) -> Iterator[CodeAttempt]:
    """Guard one lookup of ``code`` by the authenticated key: refused while locked out, and an
    ``unknown_code`` refusal raised inside is counted."""
    attempt = CodeAttempt(g.merchant_id, g.api_key_id, location, operation)
    attempt.refuse_when_locked()
    try:
        yield attempt
    except DomainError as exc:
        if exc.code == UNKNOWN_CODE:
            attempt.unknown(code)
        raise


def sale_attempt(location: str | None) -> CodeAttempt:
    """Guard the promo codes of an API sale: refused while locked out, like a code lookup."""
    attempt = CodeAttempt(g.merchant_id, g.api_key_id, location, "sale")
    attempt.refuse_when_locked()
    return attempt


def _storage() -> Storage | None:
    limiter = extensions().limiter
    if not limiter.enabled:
        return None
    storage: Storage = limiter.limiter.storage
    return storage
