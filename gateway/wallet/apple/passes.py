"""Passes handed out: a card's or a voucher's ``.pkpass`` built from its current state and
signed with the merchant's certificate, and the update tag every version is known by."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.customer_links import card_url, public_base, voucher_url
from gateway.db import commit_unit, utcnow
from gateway.errors import not_found
from gateway.loyalty.cards.models import Card
from gateway.loyalty.customer_view.progress import NextReward, next_reward
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.vouchers.models import Voucher
from gateway.tenancy.models import Merchant
from gateway.wallet.apple import fields, package
from gateway.wallet.apple.looks import images_of, look_of
from gateway.wallet.apple.models import ApplePass, AppleWalletCredentials
from gateway.wallet.apple.service import find_credentials, signing_identity
from gateway.wallet.apple.tokens import pass_token
from gateway.wallet.design.service import find_design

WEB_SERVICE_PATH = "/wallet/apple"
FINISHED_VOUCHERS = frozenset({"redeemed", "expired", "voided"})


@dataclass(frozen=True)
class PassFile:
    """A signed pass and when it last changed."""

    content: bytes
    last_modified: datetime


def update_tag(at: datetime | None = None) -> int:
    """The update tag of a change made now: microseconds since 1970, comparable across passes."""
    if at is None:
        return time.time_ns() // 1000
    return int(at.timestamp() * 1_000_000)


def _tracked(session: Session, serial: str, merchant_id: str, kind: str) -> ApplePass:
    """The pass's row, made on its first download (a concurrent first download wins)."""
    found = session.get(ApplePass, serial)
    if found is not None:
        return found
    now = utcnow()
    row = ApplePass(
        serial=serial,
        merchant_id=merchant_id,
        kind=kind,
        update_tag=update_tag(now),
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return session.get_one(ApplePass, serial)
    commit_unit(session)
    return row


def _issuer(
    session: Session, settings: Settings, credentials: AppleWalletCredentials, serial: str
) -> fields.Issuer:
    merchant = session.get_one(Merchant, credentials.merchant_id)
    return fields.Issuer(
        pass_type_id=credentials.pass_type_id,
        team_id=credentials.team_id,
        organization_name=merchant.name,
        web_service_url=f"{public_base(session)}{WEB_SERVICE_PATH}",
        authentication_token=pass_token(settings.secret_key, serial),
    )


def hint_text(hint: NextReward) -> str:
    """``2 more stamps to a free coffee``."""
    stamps = "stamp" if hint.stamps_needed == 1 else "stamps"
    spin = "a spin of " if hint.kind == "lottery" else ""
    return f"{hint.stamps_needed} more {stamps} to {spin}{hint.name}"


def _card_facts(session: Session, card: Card, tracked: ApplePass) -> fields.CardFacts:
    program = session.get_one(Program, card.program_id)
    mechanics = mechanics_of(program)
    return fields.CardFacts(
        serial=card.id,
        number=card.number,
        program_name=program.name,
        stamps=card.stamps,
        goal=program.stamps_goal,
        hint=hint_text(next_reward(card.stamps, mechanics)),
        page_url=card_url(session, card.customer_token),
        terms=f"Collect {program.stamps_goal} stamps for {next_reward(0, mechanics).name}. "
        "Staff add stamps at the till; rewards and vouchers show on your card page.",
        message=tracked.message,
    )


def _voucher_facts(session: Session, voucher: Voucher, tracked: ApplePass) -> fields.VoucherFacts:
    return fields.VoucherFacts(
        serial=voucher.id,
        code=voucher.code,
        description=voucher.description,
        valid_until=voucher.valid_until,
        voided=voucher.status in FINISHED_VOUCHERS,
        page_url=voucher_url(session, voucher.customer_token),
        message=tracked.message,
    )


def _credentials_of(session: Session, merchant_id: str) -> AppleWalletCredentials:
    credentials = find_credentials(session, merchant_id)
    if credentials is None:
        raise not_found("Apple pass")
    return credentials


Dress = Callable[[fields.Issuer, ApplePass, fields.Look], dict[str, Any]]
"""Builds the ``pass.json`` of one kind of pass from its issuer, its row and its look."""


def _signed(
    session: Session,
    settings: Settings,
    owner: Card | Voucher,
    kind: str,
    dress: Dress,
) -> PassFile:
    credentials = _credentials_of(session, owner.merchant_id)
    identity = signing_identity(session, settings, credentials)
    tracked = _tracked(session, owner.id, owner.merchant_id, kind)
    design = find_design(session, owner.program_id) if owner.program_id else None
    issuer = _issuer(session, settings, credentials, owner.id)
    document = dress(issuer, tracked, look_of(design))
    return PassFile(package.build_pkpass(document, images_of(design), identity), tracked.updated_at)


def card_pkpass(session: Session, settings: Settings, card: Card) -> PassFile:
    """The signed store card of a card, as it stands now."""
    return _signed(
        session,
        settings,
        card,
        "card",
        lambda issuer, tracked, look: fields.card_pass(
            issuer, _card_facts(session, card, tracked), look
        ),
    )


def voucher_pkpass(session: Session, settings: Settings, voucher: Voucher) -> PassFile:
    """The signed pass of a voucher, as it stands now (voided once it is used or over)."""
    return _signed(
        session,
        settings,
        voucher,
        "voucher",
        lambda issuer, tracked, look: fields.voucher_pass(
            issuer, _voucher_facts(session, voucher, tracked), look
        ),
    )


def pkpass_of_serial(session: Session, settings: Settings, serial: str) -> PassFile:
    """The latest version of a handed-out pass (the web service's download)."""
    card = session.get(Card, serial)
    if card is not None:
        return card_pkpass(session, settings, card)
    voucher = session.get(Voucher, serial)
    if voucher is not None:
        return voucher_pkpass(session, settings, voucher)
    raise not_found("Apple pass")
