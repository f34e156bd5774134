"""The e-mail channel of a campaign message: to a customer who agreed and has not unsubscribed,
through the configured mail server; the outcome is what the message row moves to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from gateway.campaigns.mail import CampaignMail, compose
from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.campaigns.smtp import MailDeferred, MailRefused, parse_smtp_url, send_mail
from gateway.campaigns.unsubscribe import one_click_url, unsubscribe_url
from gateway.config import Settings
from gateway.db import utcnow
from gateway.loyalty.cards.consent import why_not_mailable
from gateway.loyalty.cards.models import Card
from gateway.tenancy.models import Merchant

NOT_CONFIGURED = "email_not_configured"
# A mail server may take up to STAMPGATE_SMTP_TIMEOUT (at most 15 s) on each of the ~8 steps
# of a message; the lease outlasts a batch's slowest message, so no second worker mails it too.
LONGEST_MAIL = timedelta(minutes=2)
MAIL_LEASE = timedelta(minutes=10)


def mail_configured(settings: Settings) -> bool:
    """True when a mail server and a From address are both set."""
    return settings.smtp_url is not None and settings.mail_from is not None


def _mail(
    settings: Settings, session: Session, message: CampaignMessage, campaign: Campaign, card: Card
) -> CampaignMail:
    merchant = session.get(Merchant, card.merchant_id)
    assert merchant is not None
    assert settings.mail_from is not None
    assert card.email is not None
    return CampaignMail(
        message_id=message.id,
        sender=settings.mail_from,
        merchant_name=merchant.name,
        to=card.email,
        subject=campaign.name,
        text=campaign.message_text or "",
        unsubscribe_url=unsubscribe_url(session, settings.secret_key, message.id),
        one_click_url=one_click_url(session, settings.secret_key, message.id),
    )


def email_outcome(
    settings: Settings, session: Session, message: CampaignMessage, campaign: Campaign, card: Card
) -> dict[str, Any]:
    """Mail the message; the values its row moves to. ``MailDeferred`` when it must wait.

    Consent is read again here: a customer who unsubscribed after planning gets nothing.
    """
    if settings.smtp_url is None or not mail_configured(settings):
        return {"status": "skipped", "reason": NOT_CONFIGURED}
    skipped = why_not_mailable(card)
    if skipped is not None:
        return {"status": "skipped", "reason": skipped}
    try:
        server = parse_smtp_url(settings.smtp_url.get_secret_value(), settings.smtp_timeout)
    except ValueError as exc:  # the operator can still fix it: wait on the retry schedule
        raise MailDeferred(f"smtp url invalid: {exc}") from None
    try:
        send_mail(server, compose(_mail(settings, session, message, campaign, card)))
    except MailRefused as refused:
        return {"status": "failed", "reason": str(refused)}
    return {"status": "sent", "sent_at": utcnow()}
