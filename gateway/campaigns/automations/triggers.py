"""Which cards an automation fires for now, each with its occurrence: the start of the
absence (win-back), the year (birthday), the voucher (expiring), the cycle (reward ready).

A card already fired for the same occurrence is left out by the query; the unique key of
``automation_firings`` is what makes it certain when two schedulers run at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, exists, func, literal, select

from gateway.campaigns.automations.models import Automation, AutomationFiring
from gateway.campaigns.automations.schemas import (
    BirthdayGreeting,
    RewardReady,
    Trigger,
    VoucherReminder,
    WinBack,
)
from gateway.campaigns.schemas import Inactive, NearGoal
from gateway.campaigns.segments import birthday_on, condition, expiring_within, local_date
from gateway.loyalty.cards.models import Card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.vouchers.models import Voucher
from gateway.timestamps import iso_utc


def _not_fired(automation: Automation, *same: ColumnElement[bool]) -> ColumnElement[bool]:
    return ~exists().where(
        AutomationFiring.automation_id == automation.id,
        AutomationFiring.card_id == Card.id,
        *same,
    )


def due_cards(
    automation: Automation, program: Program, trigger: Trigger, now: datetime, timezone: str
) -> Select[tuple[Card, Any]]:
    """The program's cards whose moment came and that were not fired for it, oldest first,
    each with its occurrence (see ``occurrence_key``)."""
    of_program = (Card.merchant_id == program.merchant_id, Card.program_id == program.id)
    statement: Select[tuple[Card, Any]]
    match trigger:
        case WinBack(days=days):
            # A firing after the absence began answered it; a visit since starts a new one.
            began = func.coalesce(Card.last_visit_at, Card.created_at)
            inactive = condition(program, Inactive(kind="inactive", days=days), now)
            fresh = _not_fired(automation, AutomationFiring.fired_at >= began)
            statement = select(Card, began).where(*of_program, inactive, fresh)
        case BirthdayGreeting():
            today = local_date(now, timezone)
            year = str(today.year)
            fresh = _not_fired(automation, AutomationFiring.occurrence == year)
            statement = select(Card, literal(year)).where(*of_program, birthday_on([today]), fresh)
        case VoucherReminder(days=days):
            fresh = _not_fired(automation, AutomationFiring.occurrence == Voucher.id)
            statement = (
                select(Card, Voucher.id)
                .join(Voucher, Voucher.card_id == Card.id)
                .where(*of_program, expiring_within(days, now), fresh)
            )
        case RewardReady():
            ready = condition(program, NearGoal(kind="near_goal", stamps_left=1), now)
            fresh = _not_fired(automation, AutomationFiring.occurrence == cast(Card.cycle, String))
            statement = select(Card, Card.cycle).where(*of_program, ready, fresh)
    return statement.order_by(Card.id)


def occurrence_key(value: Any) -> str:
    """The occurrence as ``automation_firings`` keeps it: a time, a year, a voucher id or a
    cycle number, as text."""
    if isinstance(value, datetime):
        return iso_utc(value)
    return str(value)
