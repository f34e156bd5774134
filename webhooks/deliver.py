"""One delivery attempt: claim, sign, POST to the pinned address, log, and decide what's next."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, TypeVar

import requests
import urllib3
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.crypto import SecretBox, SecretUnreadable, secret_box
from gateway.db import utcnow
from gateway.egress.pinned import post_pinned
from gateway.egress.ssrf import UrlNotAllowed, check_url
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.outbox import record_event
from webhooks.retry import classify, next_delay, parse_retry_after
from webhooks.signing import envelope, headers

log = logging.getLogger(__name__)
BODY_KEPT = 2048
BATCH = 50
Kind = Literal["first", "retry", "any"]
ModelT = TypeVar("ModelT", Event, WebhookEndpoint)


@dataclass
class Deliverer:
    """What a worker keeps between attempts: its settings, sessions and one pooled HTTP client."""

    settings: Settings
    session_factory: sessionmaker[Session]
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def lease(self) -> timedelta:
        """How long a claimed delivery stays with its worker (longer than any attempt)."""
        return timedelta(seconds=self.settings.webhook_timeout * 2 + 5)


@dataclass(frozen=True)
class Answer:
    """What the receiver said, or what went wrong on the way."""

    status_code: int | None
    headers: dict[str, str] | None
    body: str | None
    error: str | None
    duration_ms: int


def is_due(now: datetime) -> ColumnElement[bool]:
    """The condition of a delivery that may be attempted now."""
    return (
        (Delivery.status == "pending")
        & (Delivery.next_attempt_at <= now)
        & or_(Delivery.locked_until.is_(None), Delivery.locked_until < now)
    )


def claim(
    session: Session, lease: timedelta, kind: Kind, limit: int, ids: Sequence[str] | None = None
) -> list[Delivery]:
    """Lock up to ``limit`` due deliveries for this worker (oldest due first) and return them.

    ``SKIP LOCKED`` lets concurrent workers take different rows instead of queueing on the
    same ones (PostgreSQL; SQLite has a single writer anyway).
    """
    now = utcnow()
    due = select(Delivery.id).where(is_due(now))
    if kind == "first":
        due = due.where(Delivery.attempts == 0)
    elif kind == "retry":
        due = due.where(Delivery.attempts > 0)
    if ids is not None:
        due = due.where(Delivery.id.in_(ids))
    due = due.order_by(Delivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    taken = (
        update(Delivery)
        .where(Delivery.id.in_(due), is_due(now))
        .values(locked_until=now + lease)
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(taken))


def deliver_batch(
    deliverer: Deliverer, kind: Kind = "any", limit: int = BATCH, ids: Sequence[str] | None = None
) -> int:
    """Claim due deliveries and attempt each once; returns how many were claimed."""
    with deliverer.session_factory() as session:
        deliveries = claim(session, deliverer.lease, kind, limit, ids)
        if not deliveries:
            session.commit()
            return 0
        events = _by_id(session, Event, {d.event_id for d in deliveries})
        endpoints = _by_id(session, WebhookEndpoint, {d.endpoint_id for d in deliveries})
        session.commit()  # no transaction stays open while receivers take their time
        deadline = (
            utcnow() + deliverer.lease - timedelta(seconds=deliverer.settings.webhook_timeout + 1)
        )
        for index, delivery in enumerate(deliveries):
            if utcnow() > deadline:  # the rest would outlive their lease: let others take them
                _release(session, deliveries[index:])
                break
            endpoint = endpoints.get(delivery.endpoint_id)
            if endpoint is None or endpoint.status != "enabled":
                _finish(session, delivery, "failed", error="endpoint disabled", commit=False)
                continue
            answer = _post(deliverer, endpoint, events[delivery.event_id])
            _record(deliverer.settings, session, delivery, endpoint, answer)
        session.commit()
        return len(deliveries)


def attempt(deliverer: Deliverer, delivery_id: str) -> bool:
    """Attempt one delivery if it is due and nobody else has it; True when it was attempted."""
    return deliver_batch(deliverer, "any", 1, [delivery_id]) == 1


def _by_id(session: Session, model: type[ModelT], ids: set[str]) -> dict[str, ModelT]:
    rows = session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows}


def _release(session: Session, deliveries: Sequence[Delivery]) -> None:
    for delivery in deliveries:
        delivery.locked_until = None


def _secrets(box: SecretBox, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    sealed = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and endpoint.previous_secret_until > now
    ):
        sealed.append(endpoint.previous_secret)
    return [box.open(value) for value in sealed]


def _post(deliverer: Deliverer, endpoint: WebhookEndpoint, event: Event) -> Answer:
    settings = deliverer.settings
    timestamp = event.created_at.isoformat().replace("+00:00", "Z")
    body = envelope(event.id, event.type, timestamp, event.merchant_id, event.data)
    started = time.perf_counter()
    try:
        secrets = _secrets(secret_box(settings.secret_key), endpoint, utcnow())
    except SecretUnreadable:
        error = "signing secret unreadable: STAMPGATE_SECRET_KEY changed? rotate the secret"
        return Answer(None, None, None, error, _since(started))
    signed = headers(event.id, int(time.time()), body, secrets)
    try:
        target = check_url(
            endpoint.url, settings.webhook_allowed_networks, settings.webhook_require_https
        )
        reply = post_pinned(
            deliverer.http, target, body, signed, settings.webhook_timeout, BODY_KEPT
        )
    except UrlNotAllowed as exc:
        return Answer(None, None, None, f"url not allowed: {exc.reason}", _since(started))
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        return Answer(None, None, None, f"{type(exc).__name__}: {exc}"[:500], _since(started))
    kept = reply.body.decode("utf-8", errors="replace")
    return Answer(reply.status_code, dict(reply.headers), kept, None, _since(started))


def _since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _record(
    settings: Settings,
    session: Session,
    delivery: Delivery,
    endpoint: WebhookEndpoint,
    answer: Answer,
) -> str:
    now = utcnow()
    verdict = classify(answer.status_code)
    delivery.attempts += 1
    if verdict == "succeeded":
        outcome = "succeeded"
        endpoint.failing_since, endpoint.failing_announced = None, False
    elif verdict == "gone":
        outcome = "failed"
        disable_endpoint(session, endpoint, "the receiver answered 410 Gone")
    else:
        retry_after = parse_retry_after((answer.headers or {}).get("Retry-After"), now)
        delay = next_delay(delivery.attempts, settings.webhook_retry_schedule, retry_after)
        outcome = "retrying" if delay is not None else "exhausted"
        if delay is not None:
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        _note_failure(settings, session, endpoint, now)
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            response_headers=answer.headers,
            response_body=answer.body,
            error=answer.error,
            outcome=outcome,
        )
    )
    status = "pending" if outcome == "retrying" else outcome
    _finish(session, delivery, status, answer.status_code, answer.error, commit=False)
    return outcome


def _finish(
    session: Session,
    delivery: Delivery,
    status: str,
    status_code: int | None = None,
    error: str | None = None,
    *,
    commit: bool = True,
) -> None:
    now = utcnow()
    delivery.status, delivery.locked_until, delivery.updated_at = status, None, now
    delivery.last_attempt_at, delivery.last_status_code, delivery.last_error = (
        now,
        status_code,
        error,
    )
    if status != "pending":
        delivery.next_attempt_at = None
    if commit:
        session.commit()


def _note_failure(
    settings: Settings, session: Session, endpoint: WebhookEndpoint, now: datetime
) -> None:
    """Track how long an endpoint has failed: announce it after a day, disable it after days."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    failing_for = (now - endpoint.failing_since).total_seconds()
    if failing_for >= settings.webhook_disable_after_seconds:
        disable_endpoint(session, endpoint, f"failing since {endpoint.failing_since.isoformat()}")
    elif failing_for >= settings.webhook_failing_after_seconds and not endpoint.failing_announced:
        endpoint.failing_announced = True
        data = {
            "endpoint_id": endpoint.id,
            "url": endpoint.url,
            "failing_since": endpoint.failing_since.isoformat(),
        }
        record_event(
            session, endpoint.merchant_id, "endpoint.failing", data, exclude_endpoint=endpoint.id
        )


def disable_endpoint(session: Session, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop delivering to an endpoint and tell the merchant's other endpoints."""
    endpoint.status, endpoint.disabled_reason, endpoint.updated_at = "disabled", reason, utcnow()
    data = {"endpoint_id": endpoint.id, "url": endpoint.url, "reason": reason}
    record_event(
        session, endpoint.merchant_id, "endpoint.disabled", data, exclude_endpoint=endpoint.id
    )
    log.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint.id, "reason": reason})
