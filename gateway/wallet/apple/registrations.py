"""The PassKit web service's work: devices registering and removing passes (with their
``wallet.pass_installed`` / ``wallet.pass_removed`` events), and which passes changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.db import commit_unit
from gateway.errors import DomainError
from gateway.loyalty.cards.models import Card
from gateway.loyalty.vouchers.models import Voucher
from gateway.wallet.apple.models import ApplePass, AppleRegistration, AppleWalletCredentials
from gateway.wallet.apple.service import find_credentials
from gateway.wallet.apple.tokens import token_matches
from webhooks.outbox import record_event

SCHEME = "ApplePass"


@dataclass(frozen=True)
class UpdatedPasses:
    """The serials of a device's passes changed since a tag, and the newest tag among them."""

    serials: list[str]
    last_updated: int


def unauthorized() -> DomainError:
    """The one refusal of a wrong token, an unknown pass or another Pass Type ID."""
    return DomainError("unauthorized", "The ApplePass token does not open this pass.")


def authorized_pass(
    session: Session, settings: Settings, pass_type_id: str, serial: str, header: str
) -> ApplePass:
    """The handed-out pass that ``Authorization: ApplePass <token>`` opens."""
    scheme, _, token = header.partition(" ")
    if scheme != SCHEME or not token_matches(settings.secret_key, serial, token.strip()):
        raise unauthorized()
    tracked = session.get(ApplePass, serial)
    if tracked is None:
        raise unauthorized()
    credentials = find_credentials(session, tracked.merchant_id)
    if credentials is None or credentials.pass_type_id != pass_type_id:
        raise unauthorized()
    return tracked


def _registration(session: Session, device: str, serial: str) -> AppleRegistration | None:
    return session.scalars(
        select(AppleRegistration).where(
            AppleRegistration.device_library_id == device, AppleRegistration.serial == serial
        )
    ).one_or_none()


def _announce(session: Session, tracked: ApplePass, event_type: str) -> None:
    devices = session.scalar(select(func.count()).where(AppleRegistration.serial == tracked.serial))
    card = session.get(Card, tracked.serial) if tracked.kind == "card" else None
    voucher = session.get(Voucher, tracked.serial) if tracked.kind == "voucher" else None
    card_id = card.id if card else (voucher.card_id if voucher else None)
    data = {
        "wallet": "apple",
        "pass_kind": tracked.kind,
        "serial_number": tracked.serial,
        "card_number": card.number if card else None,
        "voucher_id": voucher.id if voucher else None,
        "devices": int(devices or 0),
    }
    record_event(session, tracked.merchant_id, event_type, data, card_id=card_id)


def register_device(session: Session, tracked: ApplePass, device: str, push_token: str) -> bool:
    """Keep the device's push token for the pass; True when the device is new to it."""
    found = _registration(session, device, tracked.serial)
    if found is not None:
        found.push_token = push_token
        commit_unit(session)
        return False
    session.add(
        AppleRegistration(
            merchant_id=tracked.merchant_id,
            device_library_id=device,
            serial=tracked.serial,
            push_token=push_token,
        )
    )
    session.flush()
    _announce(session, tracked, "wallet.pass_installed")
    commit_unit(session)
    return True


def unregister_device(session: Session, tracked: ApplePass, device: str) -> None:
    """Forget the device for the pass (a device already gone is fine)."""
    found = _registration(session, device, tracked.serial)
    if found is None:
        session.rollback()
        return
    session.delete(found)
    session.flush()
    _announce(session, tracked, "wallet.pass_removed")
    commit_unit(session)


def updated_passes(
    session: Session, device: str, pass_type_id: str, since: int | None
) -> UpdatedPasses:
    """The device's passes of this Pass Type ID changed after the tag ``since``."""
    rows = session.execute(
        select(ApplePass.serial, ApplePass.update_tag)
        .join(AppleRegistration, AppleRegistration.serial == ApplePass.serial)
        .join(
            AppleWalletCredentials,
            AppleWalletCredentials.merchant_id == ApplePass.merchant_id,
        )
        .where(
            AppleRegistration.device_library_id == device,
            AppleWalletCredentials.pass_type_id == pass_type_id,
        )
    ).all()
    session.rollback()
    changed = [row for row in rows if since is None or row.update_tag > since]
    return UpdatedPasses(
        serials=sorted(row.serial for row in changed),
        last_updated=max((row.update_tag for row in changed), default=since or 0),
    )


def forget_push_token(session: Session, push_token: str) -> int:
    """Remove every registration of a push token APNs says is gone (410); how many."""
    removed = session.execute(
        delete(AppleRegistration)
        .where(AppleRegistration.push_token == push_token)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(removed, "rowcount", 0) or 0)
