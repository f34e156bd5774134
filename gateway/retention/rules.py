"""What each retention setting lets go: one rule per kind of row, and the cutoffs of one run.

Deliveries go before events (an event leaves only once no delivery points at it), and a
delivery takes its attempt log with it. Nothing the API still works on is touched: waiting
deliveries, inbound events someone may retry (pending, failed, waiting), keys within their
replay window or held by a request in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, select, true

from connectors.inbox.models import InboundEvent
from connectors.inbox.states import InboundStatus
from gateway.api.idempotency import IdempotencyRecord
from gateway.config import Settings
from webhooks.models import Delivery, DeliveryAttempt, Event

DELIVERED = ("succeeded",)
GIVEN_UP = ("failed", "exhausted")
FINISHED_INBOUND = (InboundStatus.PROCESSED.value, InboundStatus.IGNORED.value)


@dataclass(frozen=True)
class Cutoffs:
    """The moments before which each kind of row may go, fixed once per run."""

    now: datetime
    delivered: datetime
    given_up: datetime
    inbound: datetime
    idempotency: datetime
    events: datetime

    @classmethod
    def of(cls, settings: Settings, now: datetime) -> Cutoffs:
        """The cutoffs of the settings' retentions, counted back from ``now``."""
        days = timedelta(days=1)
        # A key is never forgotten within its replay window, whatever the retention says.
        keys_kept = max(settings.retain_idempotency_keys_days * days, settings.idempotency_ttl)
        return cls(
            now=now,
            delivered=now - settings.retain_delivered_days * days,
            given_up=now - settings.retain_given_up_days * days,
            inbound=now - settings.retain_inbound_days * days,
            idempotency=now - keys_kept,
            events=now - settings.retain_events_days * days,
        )


Condition = Callable[[Cutoffs], ColumnElement[bool]]


@dataclass(frozen=True)
class Child:
    """Rows of another table that belong to a purged row and go with it, counted apart."""

    model: type[Any]
    parent: Any  # the child's column that holds the parent's id


@dataclass(frozen=True)
class Rule:
    """One kind of row past its retention: its table, its key, and which rows qualify.

    ``predicted`` is the dry run's condition where an earlier rule frees rows in a real run.
    """

    label: str
    model: type[Any]
    key: tuple[Any, ...]
    condition: Condition
    children: tuple[Child, ...] = ()
    predicted: Condition | None = None


def _delivered(cut: Cutoffs) -> ColumnElement[bool]:
    return Delivery.status.in_(DELIVERED) & (Delivery.updated_at < cut.delivered)


def _given_up(cut: Cutoffs) -> ColumnElement[bool]:
    return Delivery.status.in_(GIVEN_UP) & (Delivery.updated_at < cut.given_up)


def _inbound(cut: Cutoffs) -> ColumnElement[bool]:
    return InboundEvent.status.in_(FINISHED_INBOUND) & (InboundEvent.processed_at < cut.inbound)


def _idempotency(cut: Cutoffs) -> ColumnElement[bool]:
    return (IdempotencyRecord.created_at < cut.idempotency) & (
        IdempotencyRecord.locked_until < cut.now
    )


def _without_delivery(where: ColumnElement[bool]) -> ColumnElement[bool]:
    # OFFSET keeps PostgreSQL from turning NOT EXISTS into a hash anti-join that reads every
    # delivery (it pulls up a plain EXISTS, and drops a LIMIT): the check stays one probe of
    # ix_deliveries_event per old event.
    probe = select(Delivery.id).where((Delivery.event_id == Event.id) & where)
    return ~exists(probe.limit(1).offset(0))


def _unneeded_events(cut: Cutoffs) -> ColumnElement[bool]:
    return (Event.created_at < cut.events) & _without_delivery(true())


def _events_freed(cut: Cutoffs) -> ColumnElement[bool]:
    """Events the run would let go once the deliveries before them are gone."""
    kept = ~(_delivered(cut) | _given_up(cut))
    return (Event.created_at < cut.events) & _without_delivery(kept)


_ATTEMPTS = (Child(DeliveryAttempt, DeliveryAttempt.delivery_id),)
RULES: tuple[Rule, ...] = (
    Rule("deliveries (delivered)", Delivery, (Delivery.id,), _delivered, _ATTEMPTS),
    Rule("deliveries (given up)", Delivery, (Delivery.id,), _given_up, _ATTEMPTS),
    Rule("inbound_events", InboundEvent, (InboundEvent.id,), _inbound),
    Rule(
        "idempotency_keys",
        IdempotencyRecord,
        (IdempotencyRecord.scope, IdempotencyRecord.key),
        _idempotency,
    ),
    Rule("events", Event, (Event.id,), _unneeded_events, predicted=_events_freed),
)
TABLES: tuple[str, ...] = (
    "deliveries (delivered)",
    "deliveries (given up)",
    "delivery_attempts",
    "inbound_events",
    "idempotency_keys",
    "events",
)
"""Every count a run reports, in the order it is printed."""
