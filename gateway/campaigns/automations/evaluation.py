"""The scheduler's round: every enabled automation fires for the cards whose moment came.

Each batch is one transaction: the firings (unique per automation, card and occurrence), the
run (a ``campaigns`` row naming the automation) and its messages and vouchers, written by the
campaigns' own planning, then sent by the campaigns' sender. When two schedulers fire the same
cards at once, the second one's commit loses on the unique key and writes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.campaigns.automations.models import Automation, AutomationFiring
from gateway.campaigns.automations.schemas import Trigger, VoucherReminder
from gateway.campaigns.automations.triggers import due_cards, occurrence_key
from gateway.campaigns.models import Campaign
from gateway.campaigns.planning import write_messages
from gateway.campaigns.queues import CAMPAIGNS_DUE
from gateway.campaigns.segments import local_time
from gateway.campaigns.service import NAME_TIME_FORMAT
from gateway.db import commit_unit, utcnow
from gateway.ids import new_id
from gateway.loyalty.cards.models import Card
from gateway.loyalty.programs.models import Program
from gateway.queue.wake import note_due
from gateway.tenancy.service import get_merchant

log = logging.getLogger(__name__)
TRIGGER: TypeAdapter[Trigger] = TypeAdapter(Trigger)
BATCH = 200
_NAME_ROOM = 180  # the run's name adds the time to the automation's (200 at most)


def evaluate_automations(sessions: sessionmaker[Session], now: datetime | None = None) -> int:
    """One round over every enabled automation; how many cards were fired for."""
    now = now or utcnow()
    with sessions() as session:
        enabled = select(Automation.id).where(Automation.enabled.is_(True)).order_by(Automation.id)
        automation_ids = list(session.scalars(enabled))
        session.rollback()
    return sum(
        evaluate_automation(sessions, automation_id, now) for automation_id in automation_ids
    )


def evaluate_automation(sessions: sessionmaker[Session], automation_id: str, now: datetime) -> int:
    """Fire one automation for every card whose moment came, batch by batch; how many."""
    total = 0
    while True:
        fired = fire_batch(sessions, automation_id, now)
        total += fired
        if fired < BATCH:
            return total


def fire_batch(sessions: sessionmaker[Session], automation_id: str, now: datetime) -> int:
    """Fire one batch in one transaction; 0 when nothing is due or another scheduler won."""
    with sessions() as session:
        try:
            fired = write_run(session, automation_id, now)
            if fired:
                commit_unit(session)
            else:
                session.rollback()
        except IntegrityError:
            session.rollback()
            log.info("automation fired by another scheduler", extra={"automation": automation_id})
            return 0
        return fired


def write_run(session: Session, automation_id: str, now: datetime) -> int:
    """Add one batch's firings, run and messages to the session (the caller commits); how
    many cards it fired for."""
    automation = session.get(Automation, automation_id)
    if automation is None or not automation.enabled:
        return 0
    program = session.get(Program, automation.program_id)
    assert program is not None
    timezone = get_merchant(session, automation.merchant_id).timezone
    trigger = TRIGGER.validate_python(automation.trigger)
    due = session.execute(due_cards(automation, program, trigger, now, timezone).limit(BATCH))
    chosen: dict[str, tuple[Card, str]] = {}
    for card, occurrence in due:  # a card with two expiring vouchers: the second one next
        chosen.setdefault(card.id, (card, occurrence_key(occurrence)))
    if not chosen:
        return 0
    run = _run(automation, now, timezone)
    session.add(run)
    session.flush()
    session.add_all(_firing(run, card.id, occurrence, now) for card, occurrence in chosen.values())
    session.flush()  # the unique key: a second scheduler stops here
    messages = write_messages(session, run, [card for card, _ in chosen.values()], timezone)
    if isinstance(trigger, VoucherReminder):
        # The voucher a reminder brings is answered already: no reminder of the reminder.
        attached = {(m.card_id, m.voucher_id) for m in messages if m.voucher_id is not None}
        session.add_all(_firing(run, card_id, voucher_id, now) for card_id, voucher_id in attached)
    pending = [message.id for message in messages if message.status == "pending"]
    if not pending:
        run.status, run.finished_at = "sent", now
    note_due(session, CAMPAIGNS_DUE, pending)
    return len(chosen)


def _firing(run: Campaign, card_id: str, occurrence: str, now: datetime) -> AutomationFiring:
    assert run.automation_id is not None
    return AutomationFiring(
        id=new_id("afr"),
        merchant_id=run.merchant_id,
        automation_id=run.automation_id,
        card_id=card_id,
        occurrence=occurrence,
        campaign_id=run.id,
        fired_at=now,
    )


def _run(automation: Automation, now: datetime, timezone: str) -> Campaign:
    local = local_time(now, timezone)
    return Campaign(
        id=new_id("cmp"),
        merchant_id=automation.merchant_id,
        program_id=automation.program_id,
        automation_id=automation.id,
        name=f"{automation.name[:_NAME_ROOM]}_{local.strftime(NAME_TIME_FORMAT)}",
        status="sending",
        segment=automation.trigger,
        channels=automation.channels,
        push_text=automation.push_text,
        message_text=automation.message_text,
        voucher=automation.voucher,
        send_at=None,
        next_attempt_at=now,
        created_at=now,
        planned_at=now,
    )
