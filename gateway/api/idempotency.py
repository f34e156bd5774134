"""``Idempotency-Key`` for every state-changing POST: replay the first response, refuse reuse.

A key is claimed in its own short transaction before the handler runs, so two concurrent
requests with one key cannot both execute; the response is stored when the handler is done.
A claim whose request died is taken over once its lock has expired.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Request, Response, current_app, g, request
from sqlalchemy import LargeBinary, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from gateway.db import Base, commit_unit, utcnow
from gateway.errors import DomainError

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyRecord(Base):
    """One claimed key of one scope (a merchant, or the admin API)."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    locked_until: Mapped[datetime]
    status_code: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(100))
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class Claim:
    """The key this request holds while its handler runs."""

    scope: str
    key: str


def fingerprint_of(req: Request) -> str:
    """What makes two requests 'the same': method, path with query, and the exact body."""
    digest = hashlib.sha256(f"{req.method} {req.full_path}\n".encode())
    digest.update(req.get_data(cache=True))
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.status_code)
    response.content_type = record.content_type or "application/json"
    response.headers[REPLAY_HEADER] = "true"
    return response


def _in_progress() -> DomainError:
    return DomainError(
        "idempotency_in_progress",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
    )


def _resolve_existing(
    session: Session, record: IdempotencyRecord, fingerprint: str, lock: timedelta
) -> Response | None:
    """Replay, refuse, or (for an abandoned claim) take over; None means 'run the handler'."""
    if record.fingerprint != fingerprint:
        raise DomainError(
            "idempotency_conflict", "This Idempotency-Key was used with another request."
        )
    if record.status_code is not None:
        return _replay(record)
    if record.locked_until > utcnow():
        raise _in_progress()
    record.locked_until = utcnow() + lock
    commit_unit(session)
    return None


def begin(scope: str) -> Response | None:
    """Claim the request's key; returns a stored response to replay instead of running it."""
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST":
        return None
    if not _VALID_KEY.match(key):
        raise DomainError(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1-255 printable ASCII characters.",
        )
    settings = current_app.extensions["stampgate"].settings
    fingerprint = fingerprint_of(request)
    with current_app.extensions["stampgate"].session_factory() as session:
        for _attempt in range(2):
            record = session.get(IdempotencyRecord, (scope, key))
            if record is not None and record.created_at >= utcnow() - settings.idempotency_ttl:
                replay = _resolve_existing(session, record, fingerprint, settings.idempotency_lock)
                if replay is not None:
                    return replay
                break
            if record is not None:  # expired: the key may be used afresh
                session.delete(record)
                session.flush()
            locked_until = utcnow() + settings.idempotency_lock
            session.add(
                IdempotencyRecord(
                    scope=scope, key=key, fingerprint=fingerprint, locked_until=locked_until
                )
            )
            try:
                commit_unit(session)
                break
            except IntegrityError:  # a concurrent request claimed it first: look again
                session.rollback()
        else:
            raise _in_progress()
    g.idempotency_claim = Claim(scope=scope, key=key)
    return None


def finish(response: Response) -> Response:
    """Store the response of a claimed key; a server error releases the key for a retry."""
    claim: Claim | None = g.pop("idempotency_claim", None)
    if claim is None:
        return response
    factory: sessionmaker[Session] = current_app.extensions["stampgate"].session_factory
    with factory() as session:
        record = session.get(IdempotencyRecord, (claim.scope, claim.key))
        if record is None:
            return response
        if response.status_code >= 500 or response.status_code == 429:
            session.delete(record)
        else:
            record.status_code = response.status_code
            record.content_type = response.content_type
            record.response_body = response.get_data()
        commit_unit(session)
    return response


def purge_expired(session: Session, ttl: timedelta) -> int:
    """Delete keys older than their lifetime; returns how many went."""
    cutoff = utcnow() - ttl
    stale = session.scalars(
        select(IdempotencyRecord.key).where(IdempotencyRecord.created_at < cutoff)
    )
    count = len(stale.all())
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    commit_unit(session)
    return count
