"""Delivery attempts: claim due deliveries from their queue table, sign, POST to the pinned
address, log, and decide what's next."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, TypeVar

import requests
import urllib3
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.crypto import SecretUnreadable, secret_box
from gateway.db import utcnow
from gateway.egress.pinned import outbound_session, post_pinned, user_agent
from gateway.egress.ssrf import Target, UrlNotAllowed, check_url
from gateway.queue.table import QueueTable, WorkRow, work_batch
from gateway.queue.table import drain as drain_table
from gateway.timestamps import iso_utc
from webhooks.events import sent_body
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from webhooks.outbox import record_event
from webhooks.retry import classify, next_delay, parse_retry_after
from webhooks.signing import headers
from webhooks.states import WAITING, waiting_status

log = logging.getLogger(__name__)
BODY_KEPT = 2048
Kind = Literal["first", "retry", "any"]
ModelT = TypeVar("ModelT", Event, WebhookEndpoint)
DELIVERIES = QueueTable(Delivery, batch=50, waiting=WAITING)
LANES: dict[Kind, ColumnElement[bool] | None] = {
    "first": Delivery.attempts == 0,
    "retry": Delivery.attempts > 0,
    "any": None,
}


@dataclass
class Deliverer:
    """What a worker keeps between attempts: its settings, sessions and one pooled HTTP client."""

    settings: Settings
    session_factory: sessionmaker[Session]
    http: requests.Session = field(default_factory=outbound_session)

    @property
    def lease(self) -> timedelta:
        """How long a claimed delivery stays with its worker (longer than any attempt)."""
        return timedelta(seconds=self.settings.webhook_timeout * 2 + 5)


@dataclass(frozen=True)
class Sent:
    """What an attempt sent: the URL and the headers that identify and sign it (the body is
    the event's envelope)."""

    url: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Answer:
    """What was sent, and what the receiver said or what went wrong on the way."""

    sent: Sent | None
    status_code: int | None
    headers: dict[str, str] | None
    body: str | None
    error: str | None
    duration_ms: int
    truncated: bool | None = None


def deliver_batch(
    deliverer: Deliverer,
    kind: Kind = "any",
    limit: int | None = None,
    ids: Sequence[str] | None = None,
) -> int:
    """Claim due deliveries and attempt each once; returns how many were claimed."""
    return work_batch(
        deliverer.session_factory,
        DELIVERIES,
        deliverer.lease,
        functools.partial(_start_attempts, deliverer),
        limit=limit,
        where=LANES[kind],
        ids=ids,
        longest_row=timedelta(seconds=deliverer.settings.webhook_timeout + 1),
    )


def drain(
    deliverer: Deliverer, kind: Kind = "any", on_full_batch: Callable[[], object] | None = None
) -> int:
    """Deliver batches until nothing of ``kind`` is due; returns how many were claimed."""
    return drain_table(lambda: deliver_batch(deliverer, kind), DELIVERIES.batch, on_full_batch)


def attempt(deliverer: Deliverer, delivery_id: str) -> bool:
    """Attempt one delivery if it is due and nobody else has it; True when it was attempted."""
    return deliver_batch(deliverer, "any", 1, [delivery_id]) == 1


def _start_attempts(
    deliverer: Deliverer, session: Session, deliveries: Sequence[Delivery]
) -> WorkRow[Delivery]:
    events = _by_id(session, Event, {d.event_id for d in deliveries})
    endpoints = _by_id(session, WebhookEndpoint, {d.endpoint_id for d in deliveries})
    batch = _BatchCache(deliverer.settings)

    def attempt_one(delivery: Delivery) -> None:
        endpoint = endpoints.get(delivery.endpoint_id)
        if endpoint is None or endpoint.status != "enabled":
            _finish(delivery, "failed", error="endpoint disabled")
            return
        answer = _post(deliverer, batch, endpoint, events[delivery.event_id])
        _record(deliverer.settings, session, delivery, endpoint, answer)

    return attempt_one


@dataclass
class _BatchCache:
    """What the attempts of one batch to the same endpoint share: its opened secrets and its
    checked address (a batch is at most one lease long). Decrypting a secret and resolving a
    host cost more than the rest of an attempt's own work."""

    settings: Settings
    opened: dict[str, str] = field(default_factory=dict)
    targets: dict[str, Target | UrlNotAllowed] = field(default_factory=dict)

    def open(self, sealed: str) -> str:
        """A sealed secret in the clear (``SecretUnreadable`` when the key changed)."""
        if sealed not in self.opened:
            self.opened[sealed] = secret_box(self.settings.secret_key).open(sealed)
        return self.opened[sealed]

    def target(self, url: str) -> Target:
        """The URL's checked address (``UrlNotAllowed`` when the guard refuses it)."""
        if url not in self.targets:
            try:
                self.targets[url] = check_url(
                    url, self.settings.webhook_allowed_networks, self.settings.webhook_require_https
                )
            except UrlNotAllowed as refused:
                self.targets[url] = refused
        found = self.targets[url]
        if isinstance(found, UrlNotAllowed):
            raise found
        return found


def _by_id(session: Session, model: type[ModelT], ids: set[str]) -> dict[str, ModelT]:
    rows = session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows}


def _secrets(batch: _BatchCache, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    sealed = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and endpoint.previous_secret_until > now
    ):
        sealed.append(endpoint.previous_secret)
    return [batch.open(value) for value in sealed]


def _post(
    deliverer: Deliverer, batch: _BatchCache, endpoint: WebhookEndpoint, event: Event
) -> Answer:
    settings = deliverer.settings
    body = sent_body(event)
    started = time.perf_counter()
    try:
        secrets = _secrets(batch, endpoint, utcnow())
    except SecretUnreadable:
        error = "signing secret unreadable: STAMPGATE_SECRET_KEY changed? rotate the secret"
        return Answer(None, None, None, None, error, _since(started))
    signed = headers(event.id, int(time.time()), body, secrets)
    try:
        target = batch.target(endpoint.url)
    except UrlNotAllowed as exc:
        return Answer(None, None, None, None, f"url not allowed: {exc.reason}", _since(started))
    # The session adds the User-Agent; the log shows it beside the signing headers.
    sent = Sent(endpoint.url, {**signed, "user-agent": user_agent()})
    try:
        reply = post_pinned(
            deliverer.http, target, body, signed, settings.webhook_timeout, BODY_KEPT
        )
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        return Answer(sent, None, None, None, error, _since(started))
    kept = reply.body.decode("utf-8", errors="replace")
    return Answer(
        sent, reply.status_code, dict(reply.headers), kept, None, _since(started), reply.truncated
    )


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
        endpoint.failing_since = endpoint.failing_since or now
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
            request_url=answer.sent.url if answer.sent else None,
            request_headers=answer.sent.headers if answer.sent else None,
            status_code=answer.status_code,
            response_headers=answer.headers,
            response_body=answer.body,
            response_truncated=answer.truncated,
            error=answer.error,
            outcome=outcome,
        )
    )
    status = waiting_status(delivery.attempts) if outcome == "retrying" else outcome
    _finish(delivery, status, answer.status_code, answer.error)
    return outcome


def _finish(
    delivery: Delivery, status: str, status_code: int | None = None, error: str | None = None
) -> None:
    now = utcnow()
    delivery.status, delivery.locked_until, delivery.updated_at = status, None, now
    delivery.last_attempt_at, delivery.last_status_code, delivery.last_error = (
        now,
        status_code,
        error,
    )
    if status not in WAITING:
        delivery.next_attempt_at = None


def _note_failure(
    settings: Settings, session: Session, endpoint: WebhookEndpoint, now: datetime
) -> None:
    """Track how long an endpoint has failed: announce it after a day, disable it after days."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    failing_for = (now - endpoint.failing_since).total_seconds()
    if failing_for >= settings.webhook_disable_after_seconds:
        disable_endpoint(session, endpoint, f"failing since {iso_utc(endpoint.failing_since)}")
    elif failing_for >= settings.webhook_failing_after_seconds and not endpoint.failing_announced:
        endpoint.failing_announced = True
        data = {
            "endpoint_id": endpoint.id,
            "url": endpoint.url,
            "failing_since": iso_utc(endpoint.failing_since),
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
