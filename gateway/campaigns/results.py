"""What campaigns and automations achieved: recipients, messages delivered per channel,
skipped and failed, vouchers attached and redeemed, and the stamps recipients earned in the
14 days after their message.

Read per campaign or per automation (the sum of its runs) in four grouped queries, each
starting from the campaigns' own keys: a campaign's messages through their unique key
(campaign, card, channel), vouchers by id, stamps through the ledger's card index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, DateTime, Subquery, and_, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.examples import example
from gateway.loyalty.cards.models import StampEntry
from gateway.loyalty.vouchers.models import Voucher

FOLLOW_UP = timedelta(days=14)
CHANNELS = ("wallet", "email", "messenger")


class Delivered(BaseModel):
    """Messages sent, per channel."""

    wallet: int = 0
    email: int = 0
    messenger: int = 0


class ResultsOut(BaseModel):
    """What the messages achieved."""

    model_config = example(
        {
            "recipients": 120,
            "delivered": {"wallet": 118, "email": 0, "messenger": 120},
            "skipped": 120,
            "failed": 2,
            "vouchers_attached": 120,
            "vouchers_redeemed": 31,
            "stamps_after": 57,
        }
    )

    recipients: int = Field(
        description="Cards messaged (an automation's card counts once per occurrence)"
    )
    delivered: Delivered
    skipped: int = Field(description="Messages not sent: no address, no consent, no channel")
    failed: int = Field(description="Messages that failed after their retries")
    vouchers_attached: int
    vouchers_redeemed: int = Field(description="Attached vouchers redeemed since (conversion)")
    stamps_after: int = Field(
        description="Stamps the recipients earned in the 14 days after their message"
    )


class _DaysAfter(FunctionElement[Any]):
    """``at`` plus a number of days, in each backend's date arithmetic."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(_DaysAfter, "postgresql")
def _days_after_postgresql(element: _DaysAfter, compiler: SQLCompiler, **kw: Any) -> str:
    at, days = list(element.clauses)
    return f"({compiler.process(at, **kw)} + make_interval(days => {compiler.process(days, **kw)}))"


@compiles(_DaysAfter, "sqlite")
def _days_after_sqlite(element: _DaysAfter, compiler: SQLCompiler, **kw: Any) -> str:
    at, days = list(element.clauses)
    shift = f"'+' || {compiler.process(days, **kw)} || ' days'"
    return f"strftime('%Y-%m-%d %H:%M:%f', {compiler.process(at, **kw)}, {shift})"


def _empty() -> dict[str, Any]:
    return {
        "recipients": 0,
        "delivered": dict.fromkeys(CHANNELS, 0),
        "skipped": 0,
        "failed": 0,
        "vouchers_attached": 0,
        "vouchers_redeemed": 0,
        "stamps_after": 0,
    }


def results_of(
    session: Session, owner: InstrumentedAttribute[Any], keys: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The results of each key of ``owner`` (``Campaign.id``, or ``Campaign.automation_id``
    for the sum of an automation's runs)."""
    results = {key: _empty() for key in keys}
    if not keys:
        return results
    mine = owner.in_(keys)
    _count_messages(session, owner, mine, results)
    _count_vouchers(session, owner, mine, results)
    _count_recipients(session, _recipients(owner, mine), results)
    return results


def _messages(owner: InstrumentedAttribute[Any], mine: ColumnElement[bool]) -> Any:
    return (
        select(owner.label("key"))
        .select_from(Campaign)
        .join(CampaignMessage, CampaignMessage.campaign_id == Campaign.id)
        .where(mine)
    )


def _count_messages(
    session: Session, owner: Any, mine: ColumnElement[bool], results: dict[str, Any]
) -> None:
    by_status = _messages(owner, mine).add_columns(
        CampaignMessage.channel, CampaignMessage.status, func.count()
    )
    for key, channel, status, count in session.execute(
        by_status.group_by(owner, "channel", "status")
    ):
        if status == "sent":
            results[key]["delivered"][channel] += int(count)
        elif status in ("skipped", "failed"):
            results[key][status] += int(count)


def _count_vouchers(
    session: Session, owner: Any, mine: ColumnElement[bool], results: dict[str, Any]
) -> None:
    redeemed = func.count(func.distinct(Voucher.id)).filter(Voucher.status == "redeemed")
    statement = (
        _messages(owner, mine)
        .add_columns(func.count(func.distinct(Voucher.id)), redeemed)
        .join(Voucher, Voucher.id == CampaignMessage.voucher_id)
        .group_by(owner)
    )
    for key, attached, used in session.execute(statement):
        results[key]["vouchers_attached"] = int(attached)
        results[key]["vouchers_redeemed"] = int(used)


def _recipients(owner: InstrumentedAttribute[Any], mine: ColumnElement[bool]) -> Subquery:
    """Each run's recipients (campaign, card) and when their first message was written."""
    recipients: Subquery = (
        _messages(owner, mine)
        .add_columns(
            CampaignMessage.campaign_id,
            CampaignMessage.card_id,
            func.min(CampaignMessage.created_at).label("at"),
        )
        .group_by(owner, CampaignMessage.campaign_id, CampaignMessage.card_id)
        .subquery()
    )
    return recipients


def _count_recipients(session: Session, recipients: Subquery, results: dict[str, Any]) -> None:
    counted = select(recipients.c.key, func.count()).group_by(recipients.c.key)
    for key, count in session.execute(counted):
        results[key]["recipients"] = int(count)
    window = and_(
        StampEntry.card_id == recipients.c.card_id,
        StampEntry.created_at > recipients.c.at,
        StampEntry.created_at <= _DaysAfter(recipients.c.at, FOLLOW_UP.days),
        StampEntry.delta > 0,
    )
    stamps = (
        select(recipients.c.key, func.sum(StampEntry.delta))
        .join(StampEntry, window)
        .group_by(recipients.c.key)
    )
    for key, earned in session.execute(stamps):
        results[key]["stamps_after"] = int(earned or 0)
