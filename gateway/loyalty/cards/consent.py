"""Per-channel consent of a card's customer: campaign e-mail goes only to an address whose
customer agreed (recorded with time and source) and has not unsubscribed since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_

from gateway.loyalty.cards.models import Card
from gateway.loyalty.cards.schemas import ConsentIn

# Why a card gets no campaign e-mail (the reason its skipped message row keeps).
NO_EMAIL, NO_CONSENT, UNSUBSCRIBED = "no_email", "no_email_consent", "unsubscribed"


def mailable() -> ColumnElement[bool]:
    """The condition of a card that campaign e-mail may go to."""
    return and_(
        Card.email.is_not(None),
        Card.email_consent_at.is_not(None),
        Card.email_unsubscribed_at.is_(None),
    )


def why_not_mailable(card: Card) -> str | None:
    """Why campaign e-mail skips the card; None when it may go."""
    if card.email is None:
        return NO_EMAIL
    if card.email_unsubscribed_at is not None:
        return UNSUBSCRIBED
    if card.email_consent_at is None:
        return NO_CONSENT
    return None


def record_consent(card: Card, consent: ConsentIn, now: datetime) -> None:
    """Write the customer's answers onto the card (the caller commits)."""
    if consent.email is None:
        return
    if consent.email.granted:
        card.email_consent_at = now
        card.email_consent_source = consent.email.source
        card.email_unsubscribed_at = None
    elif card.email_unsubscribed_at is None:
        card.email_unsubscribed_at = now


def unsubscribe_email(card: Card, now: datetime) -> bool:
    """Stop campaign e-mail to the card; False when it was stopped already."""
    if card.email_unsubscribed_at is not None:
        return False
    card.email_unsubscribed_at = now
    return True


def consent_out(card: Card) -> dict[str, Any]:
    """The card's consent as the API shows it."""
    if card.email_unsubscribed_at is not None:
        status = "unsubscribed"
    elif card.email_consent_at is not None:
        status = "opted_in"
    else:
        status = "none"
    email = {
        "status": status,
        "opted_in_at": card.email_consent_at,
        "source": card.email_consent_source,
        "unsubscribed_at": card.email_unsubscribed_at,
    }
    return {"email": email}
