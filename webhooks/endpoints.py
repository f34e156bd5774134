"""Webhook endpoints: create (with its secret), read, change, delete, rotate, test, recover."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from gateway.audit.recorder import note
from gateway.config import Settings
from gateway.crypto import SecretUnreadable, secret_box
from gateway.db import commit_unit, utcnow
from gateway.egress.guard import allowed_url
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page
from webhooks.dispatch import create_delivery, requeue
from webhooks.models import Delivery, WebhookEndpoint
from webhooks.outbox import record_event
from webhooks.schemas import EndpointCreate, EndpointPatch
from webhooks.signing import new_secret
from webhooks.states import WAITING, waiting_status


def _allowed(settings: Settings, url: str) -> str:
    return allowed_url(settings, url, "This URL cannot receive webhooks")


def get_endpoint(session: Session, merchant_id: str, endpoint_id: str) -> WebhookEndpoint:
    """One of the merchant's endpoints, or 404."""
    return owned_by(session, WebhookEndpoint, endpoint_id, merchant_id, "webhook endpoint")


def create_endpoint(
    session: Session, settings: Settings, merchant_id: str, body: EndpointCreate
) -> tuple[WebhookEndpoint, str]:
    """Register a receiver (URL through the SSRF guard: 422 ``url_not_allowed``); returns it
    with its signing secret, which is stored only sealed."""
    secret = new_secret()
    endpoint = WebhookEndpoint(
        id=new_id("whe"),
        merchant_id=merchant_id,
        url=_allowed(settings, body.url),
        description=body.description,
        event_types=body.event_types,
        status="enabled",
        secret=secret_box(settings.secret_key).seal(secret),
        failing_announced=False,
    )
    session.add(endpoint)
    commit_unit(session)
    return endpoint, secret


def list_endpoints(session: Session, merchant_id: str, query: PageQuery) -> Page[WebhookEndpoint]:
    """The merchant's endpoints, newest first."""
    statement = select(WebhookEndpoint).where(WebhookEndpoint.merchant_id == merchant_id)
    return fetch_page(session, statement, WebhookEndpoint.id, WebhookEndpoint.created_at, query)


def update_endpoint(
    session: Session,
    settings: Settings,
    merchant_id: str,
    endpoint_id: str,
    patch: EndpointPatch,
    read_at: datetime | None = None,
) -> tuple[WebhookEndpoint, datetime | None]:
    """Change an endpoint; re-enabling returns since when deliveries failed (for ``recover``).

    ``read_at``, the ``updated_at`` the change was based on, refuses it (409 ``conflict``)
    when the endpoint changed since.
    """
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    if read_at is not None and read_at != endpoint.updated_at:
        raise DomainError("conflict", "This endpoint was changed after the form was opened.")
    given = patch.model_fields_set
    if "url" in given and patch.url is not None:
        endpoint.url = _allowed(settings, patch.url)
    if "event_types" in given:
        endpoint.event_types = patch.event_types
    if "description" in given:
        endpoint.description = patch.description
    recover_since = None
    if patch.status == "enabled" and endpoint.status == "disabled":
        recover_since = endpoint.failing_since or endpoint.updated_at
        endpoint.failing_since, endpoint.failing_announced, endpoint.disabled_reason = (
            None,
            False,
            None,
        )
    if patch.status is not None:
        if patch.status == "disabled" and endpoint.status == "enabled":
            endpoint.disabled_reason = "disabled by the merchant"
        endpoint.status = patch.status
    endpoint.updated_at = utcnow()
    commit_unit(session)
    return endpoint, recover_since


def delete_endpoint(session: Session, merchant_id: str, endpoint_id: str) -> None:
    """Remove an endpoint with its deliveries and their attempts."""
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    session.execute(
        update(Delivery).where(Delivery.endpoint_id == endpoint.id).values(status="failed")
    )
    session.delete(endpoint)
    commit_unit(session)


def rotate_secret(
    session: Session, settings: Settings, merchant_id: str, endpoint_id: str
) -> tuple[WebhookEndpoint, str]:
    """A new secret (returned in plaintext); the old one keeps signing beside it for a while."""
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = utcnow() + timedelta(
        seconds=settings.webhook_secret_grace_seconds
    )
    endpoint.secret = secret_box(settings.secret_key).seal(secret)
    endpoint.updated_at = utcnow()
    commit_unit(session)
    return endpoint, secret


def read_secret(session: Session, settings: Settings, merchant_id: str, endpoint_id: str) -> str:
    """The current signing secret in plaintext."""
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    try:
        return secret_box(settings.secret_key).open(endpoint.secret)
    except SecretUnreadable as exc:
        raise DomainError(
            "secret_unreadable",
            "Rotate the secret: it was sealed with another STAMPGATE_SECRET_KEY.",
        ) from exc


def send_test(session: Session, merchant_id: str, endpoint_id: str) -> tuple[str, Delivery]:
    """Send a ``webhook.test`` event to this endpoint only (whatever its event filter)."""
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    data = {"message": "stampgate test event", "endpoint_id": endpoint.id}
    event = record_event(session, merchant_id, "webhook.test", data, deliver=False)
    delivery = create_delivery(session, endpoint, event)
    details = {"event_id": event.id, "delivery_id": delivery.id}
    _note(session, endpoint, "webhook_endpoint.test_sent", details=details)
    commit_unit(session)
    return event.id, delivery


def recover(session: Session, merchant_id: str, endpoint_id: str, since: datetime) -> list[str]:
    """Send again every failed or exhausted delivery of the endpoint created since ``since``."""
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    ids = list(
        session.scalars(
            select(Delivery.id).where(
                Delivery.endpoint_id == endpoint.id,
                Delivery.status.in_(("failed", "exhausted")),
                Delivery.created_at >= since,
            )
        )
    )
    _make_due(session, ids)
    details = {"since": since, "delivery_ids": ids}
    _note(session, endpoint, "webhook_endpoint.recovered", details=details)
    commit_unit(session)
    return ids


def _make_due(session: Session, ids: list[str]) -> None:
    if ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(
                status=case((Delivery.attempts > 0, "retrying"), else_="pending"),
                next_attempt_at=utcnow(),
                locked_until=None,
            )
        )
        requeue(session, ids)


def retry_delivery(session: Session, merchant_id: str, delivery_id: str) -> Delivery:
    """Attempt a delivery again now, whatever its status (a replay when it had succeeded)."""
    delivery = get_delivery(session, merchant_id, delivery_id)
    if delivery.status in WAITING and delivery.locked_until and delivery.locked_until > utcnow():
        raise DomainError("delivery_in_progress", "This delivery is being attempted right now.")
    status = delivery.status
    _make_due(session, [delivery.id])
    changes = {"status": {"before": status, "after": waiting_status(delivery.attempts)}}
    _note(session, delivery, "delivery.retried", changes=changes)
    commit_unit(session)
    session.refresh(delivery)
    return delivery


def _note(
    session: Session,
    target: WebhookEndpoint | Delivery,
    action: str,
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    object_type = "delivery" if isinstance(target, Delivery) else "webhook_endpoint"
    note(
        session,
        merchant_id=target.merchant_id,
        object_type=object_type,
        object_id=target.id,
        action=action,
        changes=changes,
        details=details,
    )


def get_delivery(session: Session, merchant_id: str, delivery_id: str) -> Delivery:
    """One of the merchant's deliveries, or 404."""
    return owned_by(session, Delivery, delivery_id, merchant_id, "delivery")


def list_deliveries(
    session: Session, merchant_id: str, endpoint_id: str, status: str | None, query: PageQuery
) -> Page[Delivery]:
    """An endpoint's deliveries, newest first, optionally by status."""
    endpoint = get_endpoint(session, merchant_id, endpoint_id)
    statement = select(Delivery).where(Delivery.endpoint_id == endpoint.id)
    if status:
        statement = statement.where(Delivery.status == status)
    return fetch_page(session, statement, Delivery.id, Delivery.created_at, query)
