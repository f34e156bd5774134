"""The signed unsubscribe link of a campaign e-mail (``/u/<token>``) and what it does.

The token is the message row's id signed with ``STAMPGATE_SECRET_KEY`` (itsdangerous, its own
salt): it names no customer, card, address or merchant, cannot be made without the key, and
is checked in constant time. Following it stops the merchant's campaign e-mail to the
message's address: on its card, and on the merchant's other cards with that address.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.campaigns.models import CampaignMessage
from gateway.customer_links import public_base
from gateway.db import commit_unit, utcnow
from gateway.errors import not_found
from gateway.loyalty.cards.consent import unsubscribe_email
from gateway.loyalty.cards.models import Card
from gateway.tenancy.models import Merchant

SALT = "stampgate.campaigns.unsubscribe"
UNSUBSCRIBE_PAGE = "/u/"
ONE_CLICK_PATH = "/one-click"


@dataclass(frozen=True)
class Unsubscribing:
    """What the unsubscribe page shows: whose news, and whether it has stopped already."""

    merchant_name: str
    unsubscribed: bool


def unsubscribe_token(secret_key: str, message_id: str) -> str:
    """The signed token of one e-mail's unsubscribe link."""
    return str(URLSafeSerializer(secret_key, salt=SALT).dumps(message_id))


def unsubscribe_url(session: Session, secret_key: str, message_id: str) -> str:
    """The unsubscribe page of one e-mail (for people: it asks to confirm)."""
    return f"{public_base(session)}{UNSUBSCRIBE_PAGE}{unsubscribe_token(secret_key, message_id)}"


def one_click_url(session: Session, secret_key: str, message_id: str) -> str:
    """The RFC 8058 one-click link of one e-mail (its ``List-Unsubscribe`` header)."""
    return unsubscribe_url(session, secret_key, message_id) + ONE_CLICK_PATH


def _card_of(session: Session, secret_key: str, token: str) -> Card:
    try:
        message_id = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except BadSignature:
        raise not_found("unsubscribe link") from None
    message = session.get(CampaignMessage, message_id) if isinstance(message_id, str) else None
    card = session.get(Card, message.card_id) if message is not None else None
    if card is None:
        raise not_found("unsubscribe link")
    return card


def unsubscribing(session: Session, secret_key: str, token: str) -> Unsubscribing:
    """What the link's page shows; ``not_found`` for a forged or unknown token."""
    card = _card_of(session, secret_key, token)
    merchant = session.get(Merchant, card.merchant_id)
    assert merchant is not None
    state = Unsubscribing(merchant.name, card.email_unsubscribed_at is not None)
    session.rollback()
    return state


def unsubscribe(session: Session, secret_key: str, token: str) -> None:
    """Stop the merchant's campaign e-mail to the link's address, on each of its cards (again:
    a no-op); ``not_found`` if forged."""
    card = _card_of(session, secret_key, token)
    same_address = select(Card).where(
        Card.merchant_id == card.merchant_id, Card.email == card.email, Card.id != card.id
    )
    now = utcnow()
    stopped = [unsubscribe_email(each, now) for each in [card, *session.scalars(same_address)]]
    if any(stopped):
        commit_unit(session)
    else:
        session.rollback()
