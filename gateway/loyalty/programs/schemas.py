"""Request and response bodies of the program routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from gateway.examples import example, page_example
from gateway.loyalty.cards.progress import MAX_REWARDS_PER_SALE
from gateway.loyalty.programs.rewards import Lottery, Reward, lottery_warnings
from gateway.loyalty.programs.warnings import ProgramWarning, warning
from gateway.strict import StrictModel
from mappings.rules import DEFAULT_MAX_STAMPS_PER_SALE, MAX_STAMPS_PER_SALE, Rule

PROGRAM: dict[str, Any] = {
    "name": "Coffee card",
    "stamps_goal": 9,
    "reward": {
        "type": "voucher",
        "description": "Free pizza",
        "image_url": None,
        "redemption": "code",
        "code": {"mode": "shared", "value": "FREEPIZZA9"},
        "validity": {"kind": "days", "count": 30},
    },
    "milestones": [
        {
            "stamps": 3,
            "reward": {"type": "award", "description": "Any regular coffee", "image_url": None},
        }
    ],
    "rules": [{"kind": "per_sale", "stamps": 1, "min_total": None}],
    "max_stamps_per_sale": None,
    "stampless_when_redeeming": True,
    "auto_enroll": True,
}

MAX_GOAL = 100
CAP_DESCRIPTION = (
    f"Most stamps one sale earns (null: {DEFAULT_MAX_STAMPS_PER_SALE}); a sale also reaches at "
    f"most {MAX_REWARDS_PER_SALE} goals and milestones"
)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Milestone(StrictModel):
    """A reward on the way to the goal, given once per cycle at ``stamps`` stamps."""

    stamps: int = Field(ge=1, lt=MAX_GOAL)
    reward: Reward


NO_RULES_WARNING = warning(
    "no_rules",
    'rules: there are none, so sales earn no stamps; add one, e.g. {"kind": "per_sale", '
    '"stamps": 1}',
)


class ProgramMechanics(StrictModel):
    """Everything that decides what a sale earns; validated together."""

    name: Name
    stamps_goal: int = Field(ge=1, le=MAX_GOAL)
    reward: Reward
    milestones: list[Milestone] = Field(default_factory=list, max_length=MAX_GOAL - 1)
    rules: list[Rule] = Field(default_factory=list, max_length=50)
    max_stamps_per_sale: int | None = Field(
        default=None, ge=1, le=MAX_STAMPS_PER_SALE, description=CAP_DESCRIPTION
    )
    stampless_when_redeeming: bool = True
    auto_enroll: bool = True

    @model_validator(mode="after")
    def _milestones_fit_the_goal(self) -> ProgramMechanics:
        marks = [milestone.stamps for milestone in self.milestones]
        if any(mark >= self.stamps_goal for mark in marks):
            raise ValueError("milestones: every milestone must be below stamps_goal")
        if len(set(marks)) != len(marks):
            raise ValueError("milestones: two milestones at the same number of stamps")
        return self

    def setup_warnings(self) -> list[ProgramWarning]:
        """Allowed but probably unintended set-ups."""
        found: list[ProgramWarning] = []
        if not self.rules:
            found.append(NO_RULES_WARNING)
        rewards = [self.reward, *(milestone.reward for milestone in self.milestones)]
        for reward in rewards:
            if isinstance(reward, Lottery):
                found.extend(lottery_warnings(reward))
        return found


DEFAULT_DESCRIPTION = (
    "Whether sales without program_id go to this program. The merchant's first program is the "
    "default; setting it on another moves it there; false leaves the merchant without a default "
    "(then, with several programs, such sales answer 422 program_required)"
)


class ProgramCreate(ProgramMechanics):
    """``POST /v1/programs``."""

    model_config = example(PROGRAM)

    is_default: bool | None = Field(
        default=None, description=f"{DEFAULT_DESCRIPTION}. Null: true for the first program"
    )


class ProgramPatch(StrictModel):
    """``PATCH /v1/programs/{id}``: only the fields given change."""

    model_config = example(
        {"name": "Pizza card", "rules": [{"kind": "per_amount", "stamps": 1, "every": 1000}]}
    )

    name: Name | None = None
    stamps_goal: int | None = Field(default=None, ge=1, le=MAX_GOAL)
    reward: Reward | None = None
    milestones: list[Milestone] | None = Field(default=None, max_length=MAX_GOAL - 1)
    rules: list[Rule] | None = Field(default=None, max_length=50)
    max_stamps_per_sale: int | None = Field(
        default=None, ge=1, le=MAX_STAMPS_PER_SALE, description=CAP_DESCRIPTION
    )
    stampless_when_redeeming: bool | None = None
    auto_enroll: bool | None = None
    is_default: bool | None = Field(default=None, description=DEFAULT_DESCRIPTION)


class ProgramOut(ProgramMechanics):
    """A program, and warnings about its set-up or about the change just made."""

    model_config = ConfigDict(extra="ignore") | example(
        {
            **PROGRAM,
            "id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "is_default": True,
            "created_at": "2026-11-22T10:00:00Z",
            "updated_at": "2026-11-22T10:00:00Z",
            "warnings": [],
        }
    )

    id: str
    created_at: datetime
    updated_at: datetime
    is_default: bool = Field(description=DEFAULT_DESCRIPTION)
    warnings: list[ProgramWarning] = Field(default_factory=list)


class ProgramPage(BaseModel):
    """A page of programs."""

    model_config = page_example(ProgramOut)

    items: list[ProgramOut]
    next_cursor: str | None


class ProgramPath(BaseModel):
    """Path of one program."""

    program_id: str = Field(max_length=64)
