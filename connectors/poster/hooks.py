"""Receiving a Poster webhook: parse, find the connection, verify, store. Nothing more before
the acknowledgement: Poster queues new hooks behind unanswered ones."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from connectors.connections.directory import ConnectionDirectory, HookTarget
from connectors.connections.models import PosConnection
from connectors.connections.service import set_credentials
from connectors.inbox.states import InboundStatus
from connectors.inbox.store import Inbound, single_statement_unit, store_inbound
from connectors.poster.schemas import PosterHook
from connectors.poster.signature import is_signed_by
from gateway.config import Settings
from gateway.db import commit_unit
from gateway.errors import DomainError
from gateway.inputs import parse_json

REDACTED = "[redacted]"


def parse_hook(raw: bytes) -> tuple[dict[str, Any], PosterHook]:
    """The body as received and as a model; 400 when it is not a Poster webhook."""
    try:
        body = parse_json(raw)
    except ValueError:
        raise DomainError("malformed_json", "The webhook body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise DomainError("malformed_webhook", "The webhook body must be a JSON object.")
    try:
        return body, PosterHook.model_validate(body)
    except ValidationError as exc:
        fields = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
        raise DomainError(
            "malformed_webhook", f"Not a Poster webhook: check {', '.join(fields)}."
        ) from None


def receive_poster_hook(
    session: Session, settings: Settings, directory: ConnectionDirectory, raw: bytes
) -> None:
    """Verify and store one webhook (once per dedupe key), committed before the reply."""
    body, hook = parse_hook(raw)
    token = hook.data_object().get("access_token") if hook.object == "application" else None
    has_token = isinstance(token, str) and bool(token)
    if not has_token:
        # Storing the hook is then the only write: a token update also changes the connection.
        single_statement_unit(session)
    account = hook.account.lower()
    target = directory.by_account(session, "poster", account)
    if target is None or not _signed(body, target):
        # The cached secret may be an old one: ask the database before refusing.
        target = directory.by_account(session, "poster", account, fresh=True)
        if target is None or not _signed(body, target):
            # An account without a connection answers alike: hooks tell nobody who is connected.
            raise DomainError("bad_signature", "The verify field does not match.")
    inbound = Inbound(
        dedupe_key=hook.dedupe_key(),
        kind=f"{hook.object}.{hook.action}",
        object_id=str(hook.object_id),
        payload=body,
    )
    if has_token:
        assert isinstance(token, str)
        connection = session.get(PosConnection, target.connection_id)
        assert connection is not None
        inbound = _token_update(session, settings, connection, inbound, token)
    store_inbound(session, target.merchant_id, target.connection_id, "poster", inbound)
    commit_unit(session)


def _signed(body: dict[str, Any], target: HookTarget) -> bool:
    return is_signed_by(body, target.credentials.get("application_secret", ""))


def _token_update(
    session: Session, settings: Settings, connection: PosConnection, inbound: Inbound, token: str
) -> Inbound:
    # The app was (re)installed: the new token applies at once, and is not kept in the inbox.
    set_credentials(session, settings, connection, {"access_token": token})
    payload = {**inbound.payload, "data": REDACTED}
    return Inbound(
        dedupe_key=inbound.dedupe_key,
        kind=inbound.kind,
        object_id=inbound.object_id,
        payload=payload,
        status=InboundStatus.PROCESSED,
        result={"reason": "access_token_updated"},
    )
