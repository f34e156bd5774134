"""Automation bodies: the moment that fires it (``trigger``), its texts, channels and voucher,
enabled or paused; the automation as answers show it, with its results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from gateway.campaigns.results import ResultsOut
from gateway.campaigns.schemas import MESSAGE_EXAMPLE, Channel, MessageIn, Name, PushText, Text
from gateway.examples import example, page_example
from gateway.loyalty.programs.rewards import Reward
from gateway.pagination import PageQuery
from gateway.strict import FrozenStrictModel, StrictModel


class WinBack(FrozenStrictModel):
    """Fires when a card has gone ``days`` days without a visit (never visited: since its
    enrolment); once per absence: a new visit starts a new one."""

    model_config = example({"kind": "win_back", "days": 30})
    kind: Literal["win_back"]
    days: int = Field(ge=1, le=3650)


class BirthdayGreeting(FrozenStrictModel):
    """Fires on the customer's birthday (the merchant's time zone; 29 February on the 28th in
    other years); once per year."""

    model_config = example({"kind": "birthday"})
    kind: Literal["birthday"]


class VoucherReminder(FrozenStrictModel):
    """Fires ``days`` days (or less) before an active voucher of the card expires; once per
    voucher."""

    model_config = example({"kind": "voucher_expiring", "days": 3})
    kind: Literal["voucher_expiring"]
    days: int = Field(ge=1, le=365)


class RewardReady(FrozenStrictModel):
    """Fires when a card is one stamp from the goal; once per cycle of the card."""

    model_config = example({"kind": "reward_ready"})
    kind: Literal["reward_ready"]


TRIGGER_KINDS = {
    "win_back": "`days` days without a visit; once per absence",
    "birthday": "the customer's birthday; once per year",
    "voucher_expiring": "an active voucher expires within `days` days; once per voucher",
    "reward_ready": "one stamp from the goal; once per cycle",
}
Trigger = Annotated[
    WinBack | BirthdayGreeting | VoucherReminder | RewardReady, Field(discriminator="kind")
]
AUTOMATION_BODY: dict[str, Any] = {
    "program_id": "prg_01m8s0dp0c2ywxh4dm8wf4ywz0",
    "name": "We miss you",
    "trigger": {"kind": "win_back", "days": 30},
    **MESSAGE_EXAMPLE,
    "enabled": True,
}


class AutomationIn(MessageIn):
    """``POST /v1/automations``: which moment fires it, and what it sends each card then."""

    model_config = example(AUTOMATION_BODY)

    program_id: str = Field(max_length=64)
    name: Name
    trigger: Trigger = Field(
        description="When a card gets it, by `kind`:\n\n"
        + "\n".join(f"- `{kind}`: {meaning}" for kind, meaning in TRIGGER_KINDS.items())
    )
    enabled: bool = Field(default=True, description="false: paused, nothing fires")


class AutomationPatch(StrictModel):
    """``PATCH /v1/automations/{id}``: the fields to change (``enabled: false`` pauses)."""

    model_config = example({"enabled": False})

    name: Name | None = None
    trigger: Trigger | None = None
    push_text: PushText | None = None
    message_text: Text | None = None
    channels: list[Channel] | None = Field(default=None, min_length=1, max_length=3)
    voucher: Reward | None = None
    enabled: bool | None = None


RESULTS: dict[str, Any] = {
    "recipients": 1,
    "delivered": {"wallet": 1, "email": 0, "messenger": 1},
    "skipped": 0,
    "failed": 0,
    "vouchers_attached": 1,
    "vouchers_redeemed": 1,
    "stamps_after": 2,
}
AUTOMATION: dict[str, Any] = {
    **AUTOMATION_BODY,
    "id": "aut_01m8s0dp1q6jj235k7khx2f352",
    "created_at": "2026-12-01T10:00:00Z",
    "updated_at": "2026-12-01T10:00:00Z",
    "results": RESULTS,
}


class AutomationOut(BaseModel):
    """An automation, with what it achieved so far."""

    model_config = example(AUTOMATION)

    id: str
    program_id: str
    name: str
    trigger: Trigger
    channels: list[Channel]
    push_text: str | None
    message_text: str | None
    voucher: Reward | None
    enabled: bool
    created_at: datetime
    updated_at: datetime
    results: ResultsOut


class AutomationPage(BaseModel):
    """A page of automations."""

    model_config = page_example(AutomationOut)

    items: list[AutomationOut]
    next_cursor: str | None


class AutomationPath(BaseModel):
    """Path of one automation."""

    automation_id: str = Field(max_length=64)


class AutomationQuery(PageQuery):
    """The merchant's automations, newest first; ``created_*`` is when each was created."""

    enabled: bool | None = None
