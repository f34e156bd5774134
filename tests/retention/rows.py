"""Rows of the work tables at chosen ages, written straight to the tables for the purge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.connections.models import PosConnection
from connectors.inbox.models import InboundEvent
from gateway.api.idempotency import IdempotencyRecord
from gateway.db import utcnow
from gateway.ids import new_id
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint


def days_ago(days: float) -> datetime:
    """The moment ``days`` before now."""
    return utcnow() - timedelta(days=days)


@dataclass
class Rows:
    """Writes rows of one merchant; every id written is kept by table name."""

    session: Session
    merchant_id: str
    program_id: str
    ids: dict[str, list[str]] = field(default_factory=dict)

    def _keep(self, table: str, row_id: str) -> str:
        self.ids.setdefault(table, []).append(row_id)
        return row_id

    def endpoint(self) -> str:
        """A webhook endpoint to deliver to."""
        row = WebhookEndpoint(
            id=new_id("whe"), merchant_id=self.merchant_id, url="https://r.example/h", secret="s"
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def event(self, age_days: float) -> str:
        """An event written ``age_days`` ago."""
        row = Event(
            id=new_id("evt"),
            merchant_id=self.merchant_id,
            type="card.stamped",
            data={},
            created_at=days_ago(age_days),
        )
        self.session.add(row)
        self.session.flush()
        return self._keep("events", row.id)

    def delivery(self, event_id: str, endpoint_id: str, status: str, age_days: float) -> str:
        """A delivery last changed ``age_days`` ago, with two attempts."""
        at = days_ago(age_days)
        row = Delivery(
            id=new_id("dlv"),
            merchant_id=self.merchant_id,
            endpoint_id=endpoint_id,
            event_id=event_id,
            status=status,
            attempts=2,
            next_attempt_at=at,
            created_at=at,
            updated_at=at,
        )
        self.session.add(row)
        self.session.flush()
        for _ in range(2):
            self.session.add(
                DeliveryAttempt(delivery_id=row.id, attempted_at=at, duration_ms=5, outcome="ok")
            )
        return self._keep("deliveries", row.id)

    def connection(self) -> str:
        """A POS connection for inbound events."""
        row = PosConnection(
            id=new_id("con"),
            merchant_id=self.merchant_id,
            program_id=self.program_id,
            pos="poster",
            account=new_id("acct"),
            credentials="sealed",
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def inbound(self, connection_id: str, status: str, age_days: float) -> str:
        """An inbound event received (and, unless pending, finished) ``age_days`` ago."""
        at = days_ago(age_days)
        row = InboundEvent(
            id=new_id("ine"),
            merchant_id=self.merchant_id,
            connection_id=connection_id,
            pos="poster",
            dedupe_key=new_id("key"),
            kind="transaction",
            payload={},
            status=status,
            received_at=at,
            next_attempt_at=at,
            processed_at=None if status == "pending" else at,
        )
        self.session.add(row)
        self.session.flush()
        return self._keep("inbound_events", row.id)

    def key(self, age_days: float, *, held: bool = False) -> str:
        """An Idempotency-Key claimed ``age_days`` ago, answered unless ``held``."""
        key = new_id("idem")
        locked_until = utcnow() + timedelta(minutes=1) if held else days_ago(age_days)
        self.session.add(
            IdempotencyRecord(
                scope=self.merchant_id,
                key=key,
                fingerprint="f" * 64,
                created_at=days_ago(age_days),
                locked_until=locked_until,
                status_code=None if held else 201,
            )
        )
        self.session.flush()
        return self._keep("idempotency_keys", key)


def remaining(app: Flask) -> dict[str, set[str]]:
    """The ids left in each purged table (keys by their key)."""
    with app.extensions["stampgate"].session_factory() as session:
        return {
            "events": set(session.scalars(select(Event.id))),
            "deliveries": set(session.scalars(select(Delivery.id))),
            "inbound_events": set(session.scalars(select(InboundEvent.id))),
            "idempotency_keys": set(session.scalars(select(IdempotencyRecord.key))),
        }


def attempts_of(app: Flask, delivery_ids: set[str]) -> int:
    """How many attempts of these deliveries are left."""
    with app.extensions["stampgate"].session_factory() as session:
        query = select(func.count()).where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        return session.scalar(query) or 0


World = dict[str, str]


def program_of(api: Api, merchant: dict[str, Any]) -> str:
    """A program of the merchant (POS connections need one)."""
    response = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    assert response.status_code == 201, response.get_json()
    program_id: str = response.get_json()["id"]
    return program_id


def seed_world(app: Flask, api: Api, merchant: dict[str, Any]) -> World:
    """One row of every case, by name: ``gone_*`` are past retention, ``kept_*`` stay."""
    program_id = program_of(api, merchant)
    with app.extensions["stampgate"].session_factory() as session:
        rows = Rows(session, merchant["id"], program_id)
        endpoint = rows.endpoint()
        world = {
            "gone_event_delivered": rows.event(100),
            "gone_event_given_up": rows.event(100),
            "gone_event_bare": rows.event(100),
            "kept_event_recent_delivery": rows.event(100),
            "kept_event_failed_delivery": rows.event(100),
            "kept_event_retrying": rows.event(100),
            "kept_event_recent": rows.event(1),
        }
        world |= {
            "gone_delivered": rows.delivery(
                world["gone_event_delivered"], endpoint, "succeeded", 40
            ),
            "gone_exhausted": rows.delivery(
                world["gone_event_given_up"], endpoint, "exhausted", 100
            ),
            "kept_delivered": rows.delivery(
                world["kept_event_recent_delivery"], endpoint, "succeeded", 1
            ),
            "kept_failed": rows.delivery(
                world["kept_event_failed_delivery"], endpoint, "failed", 40
            ),
            "kept_retrying": rows.delivery(world["kept_event_retrying"], endpoint, "retrying", 100),
        }
        connection = rows.connection()
        for status in ("processed", "ignored", "failed", "pending", "waiting"):
            prefix = "gone" if status in ("processed", "ignored") else "kept"
            world[f"{prefix}_inbound_{status}"] = rows.inbound(connection, status, 40)
        world["kept_inbound_recent"] = rows.inbound(connection, "processed", 1)
        world["gone_key"] = rows.key(3)
        world["kept_key_recent"] = rows.key(0.5)
        world["kept_key_held"] = rows.key(3, held=True)
        session.commit()
    return world
