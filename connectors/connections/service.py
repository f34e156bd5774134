"""Connections: create, read, update, re-authorise. Secrets are sealed and never shown."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.base import Connector
from connectors.connections.claims import account_not_verified, prove_currency, prove_ownership
from connectors.connections.models import PosConnection
from connectors.connections.schemas import ConnectionCreate, ConnectionPatch
from connectors.connections.views import open_credentials, seal_credentials
from connectors.inbox.models import InboundEvent
from connectors.inbox.states import InboundAction, sources_of, target_of
from connectors.inbox.store import requeue_inbound
from gateway.config import Settings
from gateway.crypto import SecretUnreadable
from gateway.db import commit_unit, utcnow
from gateway.egress.guard import allowed_url
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.loyalty.programs.service import get_program
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page
from gateway.tenancy.models import Merchant

CREDENTIAL_FIELDS = ("application_secret", "access_token", "api_login")
# The credentials that say whose POS account it is (the application secret only signs hooks).
CLAIM_FIELDS = ("access_token", "api_login")


def webhook_url(settings: Settings, connection: PosConnection) -> str:
    """Where the POS must send its webhooks for this connection."""
    base = settings.public_url.rstrip("/")
    if connection.pos == "serve":
        return f"{base}/hooks/serve/{connection.id}"
    return f"{base}/hooks/{connection.pos}"


def _allowed_base_url(settings: Settings, url: str | None) -> str | None:
    if url is None:
        return None
    return allowed_url(settings, url, "api_base_url cannot be used").rstrip("/")


def create_connection(
    session: Session,
    settings: Settings,
    connector: Connector,
    merchant_id: str,
    body: ConnectionCreate,
) -> tuple[PosConnection, dict[str, str]]:
    """A new connection, once the POS confirmed the credentials own the account; returns it
    with the secrets to show once (Serve's webhook token)."""
    get_program(session, merchant_id, body.program_id)
    credentials = {
        name: value for name in CREDENTIAL_FIELDS if (value := getattr(body, name)) is not None
    }
    # Syrve organization ids are GUIDs, which Syrve reads in any case: one spelling is stored.
    account = body.account if body.pos == "poster" else (body.organization_id or "").lower()
    assert account
    api_base_url = _allowed_base_url(settings, body.api_base_url)
    if _holder(session, body.pos, account) == merchant_id:
        raise _exists(body.pos)
    currency = session.scalars(select(Merchant.currency).where(Merchant.id == merchant_id)).one()
    session.rollback()  # no transaction stays open while the POS answers
    prove_ownership(connector, account, credentials)
    prove_currency(connector, account, credentials, currency)
    shown: dict[str, str] = {}
    if body.pos == "serve":
        credentials["webhook_token"] = shown["webhook_token"] = secrets.token_urlsafe(32)
    connection = PosConnection(
        id=new_id("con"),
        merchant_id=merchant_id,
        program_id=body.program_id,
        pos=body.pos,
        account=account,
        api_base_url=api_base_url,
        status="active",
        credentials=seal_credentials(credentials, settings),
        locations={},
        codes={},
        stale_codes={},
    )
    session.add(connection)
    try:
        commit_unit(session)
    except IntegrityError:
        session.rollback()
        # Another merchant's account answers as an unproven claim would: nothing is revealed.
        raise (
            _exists(body.pos)
            if _holder(session, body.pos, account) == merchant_id
            else account_not_verified()
        ) from None
    return connection, shown


def _holder(session: Session, pos: str, account: str) -> str | None:
    return session.scalar(
        select(PosConnection.merchant_id).where(
            PosConnection.pos == pos, PosConnection.account == account
        )
    )


def _exists(pos: str) -> DomainError:
    return DomainError("connection_exists", f"This {pos} account is already connected.")


def get_connection(session: Session, merchant_id: str, connection_id: str) -> PosConnection:
    """One of the merchant's connections, or 404."""
    return owned_by(session, PosConnection, connection_id, merchant_id, "connection")


def list_connections(session: Session, merchant_id: str, query: PageQuery) -> Page[PosConnection]:
    """The merchant's connections, newest first."""
    statement = select(PosConnection).where(PosConnection.merchant_id == merchant_id)
    return fetch_page(session, statement, PosConnection.id, PosConnection.created_at, query)


def update_connection(
    session: Session,
    settings: Settings,
    connectors: Mapping[str, Connector],
    merchant_id: str,
    connection_id: str,
    body: ConnectionPatch,
) -> PosConnection:
    """Change program, API address or credentials; new credentials resume waiting events.

    A new access token or API login is proven to own the connection's account first, as at
    creation: a connection never holds credentials of an account it did not claim."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    claimed = {name: changes[name] for name in CLAIM_FIELDS if name in changes}
    connection = get_connection(session, merchant_id, connection_id)
    if claimed:
        pos, account = connection.pos, connection.account
        session.rollback()  # no transaction stays open while the POS answers
        prove_ownership(connectors[pos], account, claimed)
        connection = get_connection(session, merchant_id, connection_id)
    if "program_id" in changes:
        get_program(session, merchant_id, changes["program_id"])
        connection.program_id = changes["program_id"]
    if "api_base_url" in changes:
        connection.api_base_url = _allowed_base_url(settings, changes["api_base_url"])
    fresh = {name: changes[name] for name in CREDENTIAL_FIELDS if name in changes}
    if fresh:
        set_credentials(session, settings, connection, fresh)
    connection.updated_at = utcnow()
    commit_unit(session)
    return connection


def set_credentials(
    session: Session, settings: Settings, connection: PosConnection, fresh: dict[str, str]
) -> None:
    """Store new credentials and resume the events that waited for them (caller commits)."""
    try:
        current = open_credentials(connection, settings)
    except SecretUnreadable:  # sealed under an old key: the new credentials replace them
        current = {}
    connection.credentials = seal_credentials({**current, **fresh}, settings)
    connection.status, connection.status_reason = "active", None
    connection.updated_at = utcnow()
    resume_waiting(session, [connection.id])


def resume_waiting(session: Session, connection_ids: Sequence[str]) -> None:
    """Make the connections' waiting events due now (caller commits)."""
    allowed = [status.value for status in sources_of(InboundAction.RESUME)]
    waiting = list(
        session.scalars(
            select(InboundEvent.id).where(
                InboundEvent.connection_id.in_(connection_ids), InboundEvent.status.in_(allowed)
            )
        )
    )
    if not waiting:
        return
    session.execute(
        update(InboundEvent)
        .where(InboundEvent.id.in_(waiting), InboundEvent.status.in_(allowed))
        .values(status=target_of(InboundAction.RESUME).value, next_attempt_at=utcnow())
    )
    requeue_inbound(session, waiting)


def connection_by_account(session: Session, pos: str, account: str) -> PosConnection | None:
    """The connection a POS webhook belongs to, by the account it names."""
    return session.scalars(
        select(PosConnection).where(PosConnection.pos == pos, PosConnection.account == account)
    ).first()
