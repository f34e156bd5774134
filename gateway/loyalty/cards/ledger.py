"""The stamp ledger: every change of a card's stamps is an entry; the card caches the balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.loyalty.cards.models import Card, StampEntry
from gateway.loyalty.cards.progress import GoalReached, apply_stamps
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import mechanics_of
from gateway.loyalty.vouchers.issuing import Granted, Source, grant
from webhooks.outbox import record_event


@dataclass(frozen=True)
class Stamping:
    """Where stamps come from: a sale, or a manual channel with its location and staff."""

    kind: str
    sale_id: str | None = None
    channel: str | None = None
    location: str | None = None
    staff: str | None = None


def record_visit(card: Card, at: datetime) -> None:
    """Remember the customer's latest visit; a time ahead of the clock counts as now."""
    at = min(at, utcnow())
    if card.last_visit_at is None or at > card.last_visit_at:
        card.last_visit_at = at


def add_stamps(
    session: Session, card: Card, program: Program, count: int, origin: Stamping, timezone: str
) -> list[Granted]:
    """Add stamps to a (locked) card: ledger entry, balance, goals and milestones, rewards."""
    mechanics = mechanics_of(program)
    milestones = {milestone.stamps: milestone.reward for milestone in mechanics.milestones}
    progress = apply_stamps(card.stamps, card.cycle, count, mechanics.stamps_goal, list(milestones))
    card.stamps, card.cycle, card.updated_at = progress.stamps, progress.cycle, utcnow()
    session.add(
        StampEntry(
            merchant_id=card.merchant_id,
            card_id=card.id,
            kind=origin.kind,
            delta=count,
            stamps_after=card.stamps,
            cycle_after=card.cycle,
            sale_id=origin.sale_id,
            channel=origin.channel,
            location=origin.location,
            staff=origin.staff,
        )
    )
    record_event(
        session,
        card.merchant_id,
        "card.stamped",
        {
            "card_number": card.number,
            "program_id": program.id,
            "added": count,
            "stamps": card.stamps,
            "cycle": card.cycle,
            "kind": origin.kind,
            "sale_id": origin.sale_id,
            "channel": origin.channel,
            "location": origin.location,
            "staff": origin.staff,
        },
        card_id=card.id,
    )
    granted: list[Granted] = []
    for reached in progress.events:
        if isinstance(reached, GoalReached):
            event, stored, source_kind = "card.goal_reached", program.reward, "goal"
            details = {"cycle": reached.cycle}
        else:
            event, source_kind = "card.milestone_reached", "milestone"
            stored = milestones[reached.stamps].model_dump(mode="json")
            details = {"cycle": reached.cycle, "stamps": reached.stamps}
        data = {
            "card_number": card.number,
            "program_id": program.id,
            **details,
            "sale_id": origin.sale_id,
        }
        record_event(session, card.merchant_id, event, data, card_id=card.id)
        milestone = None if isinstance(reached, GoalReached) else reached.stamps
        source = Source(source_kind, reached.cycle, origin.sale_id, milestone)
        granted.append(grant(session, card, stored, source, timezone))
    return granted
