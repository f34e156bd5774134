"""Working Google Wallet jobs: claim due rows, read what each must send in a short
transaction, call Google outside any transaction, record the outcome; failures are retried
on ``STAMPGATE_GOOGLE_WALLET_RETRY_SCHEDULE``, then recorded as failed with their reason."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.crypto import SecretUnreadable
from gateway.db import commit_unit, utcnow
from gateway.egress.pinned import outbound_session
from gateway.queue.table import WorkRow, drain, work_batch
from gateway.wallet.google.accounts import open_account
from gateway.wallet.google.client import GoogleCallFailed, WalletClient
from gateway.wallet.google.messages import Delivered, add_message, may_notify
from gateway.wallet.google.models import GoogleJob
from gateway.wallet.google.passes import Body
from gateway.wallet.google.queue import JOBS, LEASE, LONGEST_JOB
from gateway.wallet.google.service import issuer_of
from gateway.wallet.google.sync import Digests, bodies_of, known_digests, remember, send

log = logging.getLogger(__name__)


@dataclass
class GoogleWorker:
    """What working jobs needs: settings (API address, retries), sessions, an HTTP client."""

    settings: Settings
    sessions: sessionmaker[Session]
    http: requests.Session = field(default_factory=outbound_session)


@dataclass(frozen=True)
class Plan:
    """What one job sends, read before any call: the client, the bodies, what Google has."""

    client: WalletClient
    bodies: list[Body]
    known: Digests
    message: dict[str, Any] | None = None
    notify: bool = False


def drain_google(worker: GoogleWorker, on_full_batch: Callable[[], object] | None = None) -> int:
    """Work every due job; returns how many were claimed."""
    return drain(lambda: work_due(worker), JOBS.batch, on_full_batch)


def work_due(worker: GoogleWorker) -> int:
    """Work one batch of due jobs."""

    def start(_session: Session, _rows: Sequence[GoogleJob]) -> WorkRow[GoogleJob]:
        return lambda job: work_job(worker, job.id)

    return work_batch(worker.sessions, JOBS, LEASE, start, longest_row=LONGEST_JOB)


def work_job(worker: GoogleWorker, job_id: str) -> None:
    """Work one leased job and record how it went."""
    with worker.sessions() as session:
        job = session.get(GoogleJob, job_id)
        if job is None or job.status != "pending":
            session.rollback()
            return
        attempts = job.attempts
        try:
            plan = _plan(worker, session, job)
        except Unplannable as exc:
            session.rollback()
            _finish(session, job_id, {"status": "failed", "reason": str(exc)})
            return
        session.rollback()  # no transaction stays open while Google is called
        try:
            delivered = _perform(plan)
        except GoogleCallFailed as exc:
            _failed(worker, session, job_id, attempts, exc)
            return
        except Exception as exc:  # a bug: retried, then failed, never lost
            log.exception("google wallet job failed", extra={"job_id": job_id})
            _failed(worker, session, job_id, attempts, GoogleCallFailed(0, "internal", repr(exc)))
            return
        _succeeded(session, job_id, plan, delivered)


class Unplannable(Exception):  # noqa: N818 - the reason a job cannot be worked at all
    """The merchant's credentials are gone or cannot be opened."""


def _plan(worker: GoogleWorker, session: Session, job: GoogleJob) -> Plan:
    issuer = issuer_of(session, job.merchant_id)
    if issuer is None:
        raise Unplannable("the merchant has no Google Wallet credentials any more")
    try:
        account = open_account(worker.settings, issuer.service_account)
    except SecretUnreadable:
        raise Unplannable(
            "the service account was sealed with another STAMPGATE_SECRET_KEY"
        ) from None
    settings = worker.settings
    client = WalletClient(
        worker.http, settings.google_wallet_api_url, account, settings.google_wallet_timeout
    )
    bodies = bodies_of(session, job, issuer)
    known = known_digests(session, bodies)
    if job.kind != "message" or job.card_id is None:
        return Plan(client, bodies, known)
    return Plan(client, bodies, known, job.message, may_notify(session, job.card_id))


def _perform(plan: Plan) -> tuple[Digests, Delivered | None]:
    sent = send(plan.client, plan.bodies, plan.known)
    if plan.message is None or not plan.bodies:
        return sent, None
    card_object = plan.bodies[-1].id
    return sent, add_message(plan.client, card_object, plan.message, plan.notify)


def _succeeded(
    session: Session, job_id: str, plan: Plan, outcome: tuple[Digests, Delivered | None]
) -> None:
    sent, delivered = outcome
    job = session.get(GoogleJob, job_id)
    assert job is not None
    remember(session, job.merchant_id, plan.bodies, sent)
    values: dict[str, Any] = {"status": "done", "done_at": utcnow(), "reason": None}
    if delivered is not None:
        values["reason"] = delivered.note
        values["notified_at"] = utcnow() if delivered.notified else None
    _finish(session, job_id, values)


def _failed(
    worker: GoogleWorker, session: Session, job_id: str, attempts: int, exc: GoogleCallFailed
) -> None:
    schedule = worker.settings.google_wallet_retry_schedule
    reason = str(exc)
    if exc.retryable and attempts < len(schedule):
        delay = timedelta(seconds=schedule[attempts])
        values: dict[str, Any] = {"reason": reason, "next_attempt_at": utcnow() + delay}
    else:  # Google refused the body or the account: trying again would not help
        values = {"status": "failed", "reason": reason}
    log.warning("google wallet call failed", extra={"job_id": job_id, "reason": reason})
    _finish(session, job_id, values)


def _finish(session: Session, job_id: str, values: dict[str, Any]) -> None:
    session.execute(
        update(GoogleJob)
        .where(GoogleJob.id == job_id, GoogleJob.status == "pending")
        .values(locked_until=None, attempts=GoogleJob.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
    commit_unit(session)
