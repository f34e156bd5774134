"""A merchant's Google Wallet credentials: put, read, remove. Putting them for a new issuer
queues every card and live voucher, so that their objects exist before a customer saves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.db import commit_unit, utcnow
from gateway.errors import not_found
from gateway.ids import new_id
from gateway.pagination import Page, fetch_page
from gateway.wallet.google.accounts import (
    ServiceAccount,
    opened_or_refused,
    read_service_account,
    seal_account,
)
from gateway.wallet.google.enabled import remember_enabled
from gateway.wallet.google.models import GoogleIssuer, GoogleJob
from gateway.wallet.google.queue import queue_everything
from gateway.wallet.google.schemas import GoogleCredentialsIn, GoogleJobQuery


def put_credentials(
    session: Session, settings: Settings, merchant_id: str, body: GoogleCredentialsIn
) -> GoogleIssuer:
    """Store (or replace) the merchant's issuer id and service account, sealed."""
    account = read_service_account(settings, body.service_account)
    issuer = _issuer_row(session, merchant_id)
    if issuer is None or issuer.issuer_id != body.issuer_id:
        queue_everything(session, merchant_id)  # none of their objects exist at this issuer
    if issuer is None:
        issuer = GoogleIssuer(id=new_id("gwi"), merchant_id=merchant_id)
        session.add(issuer)
    issuer.issuer_id = body.issuer_id
    issuer.client_email = account.client_email
    issuer.key_id = account.key_id
    issuer.service_account = seal_account(settings, account)
    issuer.updated_at = utcnow()
    commit_unit(session)
    remember_enabled(merchant_id, enabled=True)
    return issuer


def get_credentials(session: Session, settings: Settings, merchant_id: str) -> GoogleIssuer:
    """The merchant's credentials; 404 without any, 503 when the key cannot be opened."""
    issuer = _issuer_row(session, merchant_id)
    if issuer is None:
        raise not_found("Google Wallet credentials")
    opened_or_refused(settings, issuer.service_account)
    return issuer


def delete_credentials(session: Session, merchant_id: str) -> None:
    """Forget the merchant's credentials: nothing more goes to Google for them."""
    issuer = _issuer_row(session, merchant_id)
    if issuer is None:
        raise not_found("Google Wallet credentials")
    session.delete(issuer)
    commit_unit(session)
    remember_enabled(merchant_id, enabled=False)


def issuer_of(session: Session, merchant_id: str) -> GoogleIssuer | None:
    """The merchant's issuer row, if it has one."""
    return _issuer_row(session, merchant_id)


def account_of(settings: Settings, issuer: GoogleIssuer) -> ServiceAccount:
    """The issuer's service account, opened (503 ``google_credentials_unreadable`` if not)."""
    return opened_or_refused(settings, issuer.service_account)


def recent_jobs(
    session: Session, merchant_id: str, card_id: str, limit: int = 10
) -> list[GoogleJob]:
    """The card's latest Google Wallet jobs (its object, its vouchers, its messages), newest
    first: how each call went, and why one failed."""
    jobs = select(GoogleJob).where(
        GoogleJob.merchant_id == merchant_id, GoogleJob.card_id == card_id
    )
    return list(session.scalars(jobs.order_by(GoogleJob.id.desc()).limit(limit)))


def list_jobs(session: Session, merchant_id: str, query: GoogleJobQuery) -> Page[GoogleJob]:
    """The merchant's Google Wallet jobs, newest first, by status."""
    statement = select(GoogleJob).where(GoogleJob.merchant_id == merchant_id)
    if query.status:
        statement = statement.where(GoogleJob.status == query.status)
    return fetch_page(session, statement, GoogleJob.id, GoogleJob.created_at, query)


def _issuer_row(session: Session, merchant_id: str) -> GoogleIssuer | None:
    issuer: GoogleIssuer | None = session.scalar(
        select(GoogleIssuer).where(GoogleIssuer.merchant_id == merchant_id)
    )
    return issuer
