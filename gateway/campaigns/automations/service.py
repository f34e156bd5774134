"""Automations: create (checked like a campaign's texts, channels and voucher), read, list,
change or pause."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.campaigns.automations.models import Automation
from gateway.campaigns.automations.schemas import AutomationIn, AutomationPatch, AutomationQuery
from gateway.campaigns.rules import check_message
from gateway.db import commit_unit_of_work, utcnow
from gateway.ids import new_id
from gateway.loyalty.codes.pools import require_own_pools
from gateway.loyalty.programs.service import get_program
from gateway.ownership import owned_by
from gateway.pagination import Page, fetch_page


def _checked(session: Session, merchant_id: str, body: AutomationIn) -> None:
    get_program(session, merchant_id, body.program_id)
    voucher = check_message(body)
    if voucher is not None:
        require_own_pools(session, merchant_id, [voucher])


def _columns(body: AutomationIn) -> dict[str, Any]:
    return {
        "name": body.name,
        "trigger": body.trigger.model_dump(mode="json"),
        "channels": list(dict.fromkeys(body.channels)),
        "push_text": body.push_text,
        "message_text": body.message_text,
        "voucher": None if body.voucher is None else body.voucher.model_dump(mode="json"),
        "enabled": body.enabled,
    }


def create_automation(session: Session, merchant_id: str, body: AutomationIn) -> Automation:
    """Add an automation; the scheduler's next round fires it for the cards already due."""

    def create() -> Automation:
        _checked(session, merchant_id, body)
        now = utcnow()
        automation = Automation(
            id=new_id("aut"),
            merchant_id=merchant_id,
            program_id=body.program_id,
            created_at=now,
            updated_at=now,
            **_columns(body),
        )
        session.add(automation)
        return automation

    return commit_unit_of_work(session, create)


def get_automation(session: Session, merchant_id: str, automation_id: str) -> Automation:
    """One of the merchant's automations, or 404."""
    return owned_by(session, Automation, automation_id, merchant_id, "automation")


def list_automations(
    session: Session, merchant_id: str, query: AutomationQuery
) -> Page[Automation]:
    """The merchant's automations, newest first, enabled or paused."""
    statement = select(Automation).where(Automation.merchant_id == merchant_id)
    if query.enabled is not None:
        statement = statement.where(Automation.enabled.is_(query.enabled))
    return fetch_page(session, statement, Automation.id, Automation.created_at, query)


def update_automation(
    session: Session, merchant_id: str, automation_id: str, patch: AutomationPatch
) -> Automation:
    """Change an automation (checked as a whole again); ``enabled: false`` pauses it. What
    already fired stays fired: a changed text does not fire a card again."""

    def update() -> Automation:
        automation = get_automation(session, merchant_id, automation_id)
        current = {"program_id": automation.program_id, **stored_fields(automation)}
        changes = patch.model_dump(mode="json", exclude_unset=True)
        body = AutomationIn.model_validate({**current, **changes})
        _checked(session, merchant_id, body)
        for name, value in _columns(body).items():
            setattr(automation, name, value)
        automation.updated_at = utcnow()
        return automation

    return commit_unit_of_work(session, update)


def stored_fields(automation: Automation) -> dict[str, Any]:
    """The automation's fields as its body names them."""
    return {
        "name": automation.name,
        "trigger": automation.trigger,
        "channels": automation.channels,
        "push_text": automation.push_text,
        "message_text": automation.message_text,
        "voucher": automation.voucher,
        "enabled": automation.enabled,
    }
