"""Bringing Google's copy up to date: what a job must send (read in one short transaction),
and sending it: a class before its objects, POST for what Google lacks (409: it has it, so
PATCH), PATCH for what changed, nothing for a body Google already has."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.customer_links import card_url, voucher_url
from gateway.db import utcnow
from gateway.loyalty.cards.models import Card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.vouchers.models import Voucher
from gateway.tenancy.models import Merchant
from gateway.wallet.google.client import GoogleCallFailed, WalletClient
from gateway.wallet.google.models import GoogleIssuer, GoogleJob, GoogleObject
from gateway.wallet.google.passes import (
    Body,
    loyalty_class,
    loyalty_object,
    offer_class,
    offer_object,
)

Digests = dict[str, str]


def bodies_of(session: Session, job: GoogleJob, issuer: GoogleIssuer) -> list[Body]:
    """What the job's card or voucher looks like at Google now, class first; none when the
    card or voucher is gone."""
    merchant = session.get(Merchant, job.merchant_id)
    assert merchant is not None
    if job.voucher_id is not None:
        voucher = session.get(Voucher, job.voucher_id)
        if voucher is None:
            return []
        page = voucher_url(session, voucher.customer_token)
        return [
            offer_class(issuer.issuer_id, merchant.name, voucher),
            offer_object(issuer.issuer_id, voucher, page),
        ]
    card = session.get(Card, job.card_id)
    if card is None:
        return []
    program = session.get(Program, card.program_id)
    assert program is not None
    page = card_url(session, card.customer_token)
    return [
        loyalty_class(issuer.issuer_id, merchant.name, program),
        loyalty_object(issuer.issuer_id, program, card, page),
    ]


def key_of(body: Body) -> str:
    """How the body is known here: classes and objects of one voucher share an id."""
    return f"{body.resource}/{body.id}"


def digest_of(body: Body) -> str:
    """A fingerprint of a body: equal bodies need not be sent again."""
    text = json.dumps(body.body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def known_digests(session: Session, bodies: Sequence[Body]) -> Digests:
    """What Google was last sent for these bodies' resources."""
    keys = [key_of(body) for body in bodies]
    rows = session.execute(
        select(GoogleObject.id, GoogleObject.digest).where(GoogleObject.id.in_(keys))
    )
    return {row.id: row.digest for row in rows}


def send(client: WalletClient, bodies: Sequence[Body], known: Digests) -> Digests:
    """Send what changed; returns the digests of the bodies Google now has."""
    sent: Digests = {}
    for body in bodies:
        key, digest = key_of(body), digest_of(body)
        if known.get(key) == digest:
            continue
        if key in known:
            _patch_or_insert(client, body)
        else:
            _insert_or_patch(client, body)
        sent[key] = digest
    return sent


def _insert_or_patch(client: WalletClient, body: Body) -> None:
    try:
        client.insert(body.resource, body.body)
    except GoogleCallFailed as exc:
        if exc.status != 409:
            raise
        client.patch(body.resource, body.id, body.body)  # made before, by an earlier try


def _patch_or_insert(client: WalletClient, body: Body) -> None:
    try:
        client.patch(body.resource, body.id, body.body)
    except GoogleCallFailed as exc:
        if exc.status != 404:
            raise
        client.insert(body.resource, body.body)  # gone at Google (another issuer account)


def remember(session: Session, merchant_id: str, bodies: Sequence[Body], sent: Digests) -> None:
    """Keep the digests of what was sent (the caller commits)."""
    resources = {key_of(body): body.resource for body in bodies}
    for key, digest in sent.items():
        row = session.get(GoogleObject, key)
        if row is None:
            row = GoogleObject(id=key, merchant_id=merchant_id, resource=resources[key])
            session.add(row)
        row.digest = digest
        row.synced_at = utcnow()
