"""The card page's hint: how many stamps to the next reward, and which reward (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.loyalty.programs.rewards import Award, Lottery, VoucherReward
from gateway.loyalty.programs.schemas import ProgramMechanics


@dataclass(frozen=True, slots=True)
class NextReward:
    """The nearest milestone or goal ahead: ``stamps_needed`` more stamps give ``reward``."""

    stamps_needed: int
    at_stamps: int
    kind: str  # award | voucher | lottery
    name: str
    milestone: bool


def reward_name(reward: Award | VoucherReward | Lottery) -> str:
    """What the customer gets, in the program's own words."""
    return reward.name if isinstance(reward, Lottery) else reward.description


def next_reward(stamps: int, mechanics: ProgramMechanics) -> NextReward:
    """The next reward a card at ``stamps`` (in its current cycle) reaches.

    Milestones at or past the goal no longer count (the goal may have been lowered); the goal
    is always ahead, since a card that reaches it starts its next cycle.
    """
    goal = mechanics.stamps_goal
    ahead = sorted(
        (milestone for milestone in mechanics.milestones if stamps < milestone.stamps < goal),
        key=lambda milestone: milestone.stamps,
    )
    if ahead:
        milestone = ahead[0]
        return NextReward(
            stamps_needed=milestone.stamps - stamps,
            at_stamps=milestone.stamps,
            kind=milestone.reward.type,
            name=reward_name(milestone.reward),
            milestone=True,
        )
    return NextReward(
        stamps_needed=max(goal - stamps, 1),
        at_stamps=goal,
        kind=mechanics.reward.type,
        name=reward_name(mechanics.reward),
        milestone=False,
    )
