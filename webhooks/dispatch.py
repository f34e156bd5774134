"""Fan-out: each event becomes one delivery per matching enabled endpoint, in the event's
transaction; after the commit the new deliveries are handed to whatever delivers them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateway.db import utcnow
from gateway.ids import new_id
from gateway.queue.wake import Notify, note_due, notify_after_commit
from gateway.tenancy.setup import SetupCache, changes_setup
from webhooks.models import Delivery, Event, WebhookEndpoint

_ENDPOINTS = "webhook_endpoints_by_merchant"
_NEW = "new_delivery_ids"


@dataclass(frozen=True)
class Subscriber:
    """What fan-out needs of an enabled endpoint (kept per process, so immutable)."""

    id: str
    merchant_id: str
    event_types: frozenset[str] | None


_SUBSCRIBERS: SetupCache[tuple[Subscriber, ...]] = SetupCache()


def _enabled_endpoints(session: Session, merchant_id: str) -> tuple[Subscriber, ...]:
    # Once per transaction and merchant (a sale writes several events), from the process's
    # cache while the merchant's setup version stands.
    cache: dict[str, tuple[Subscriber, ...]] = session.info.setdefault(_ENDPOINTS, {})
    if merchant_id not in cache:
        cache[merchant_id] = _SUBSCRIBERS.get(
            session, merchant_id, "enabled", lambda: _load_subscribers(session, merchant_id)
        )
    return cache[merchant_id]


def _load_subscribers(session: Session, merchant_id: str) -> tuple[Subscriber, ...]:
    statement = select(WebhookEndpoint).where(
        WebhookEndpoint.merchant_id == merchant_id, WebhookEndpoint.status == "enabled"
    )
    if changes_setup(session):
        endpoints = list(session.scalars(statement))
    else:
        # Nothing pending can change the answer: the rows the transaction adds (the card,
        # its events) go in one flush at the end instead of one flush per lookup.
        with session.no_autoflush:
            endpoints = list(session.scalars(statement))
    return tuple(_subscriber(endpoint) for endpoint in endpoints)


def _subscriber(endpoint: WebhookEndpoint) -> Subscriber:
    types = None if endpoint.event_types is None else frozenset(endpoint.event_types)
    return Subscriber(endpoint.id, endpoint.merchant_id, types)


def wants(endpoint: WebhookEndpoint | Subscriber, event_type: str) -> bool:
    """True when the endpoint's filter lets the event type through (no filter: everything)."""
    return endpoint.event_types is None or event_type in endpoint.event_types


def create_delivery(
    session: Session, endpoint: WebhookEndpoint | Subscriber, event: Event
) -> Delivery:
    """A pending delivery of ``event`` to ``endpoint``, due now."""
    delivery = Delivery(
        id=new_id("dlv"),
        merchant_id=endpoint.merchant_id,
        endpoint_id=endpoint.id,
        event_id=event.id,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    note_due(session, _NEW, [delivery.id])
    return delivery


def fan_out(session: Session, event: Event, exclude_endpoint: str | None = None) -> None:
    """Create the deliveries of a new event for every enabled endpoint that wants it."""
    for endpoint in _enabled_endpoints(session, event.merchant_id):
        if endpoint.id != exclude_endpoint and wants(endpoint, event.type):
            create_delivery(session, endpoint, event)


def requeue(session: Session, delivery_ids: Sequence[str]) -> None:
    """Hand existing deliveries, made due again, to the deliverer after this commit."""
    note_due(session, _NEW, delivery_ids)


def hand_over_after_commit(factory: sessionmaker[Session], notify: Notify) -> None:
    """After every commit of the factory's sessions, pass the new delivery ids to ``notify``."""
    notify_after_commit(factory, _NEW, notify, forget=(_ENDPOINTS,))
