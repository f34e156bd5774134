"""Stamp-cycle arithmetic: adding stamps (goals, milestones) and taking them back (refunds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_REWARDS_PER_SALE = 100
"""The most goals and milestones one sale may reach; stamps past the last are not added."""


@dataclass(frozen=True, slots=True)
class MilestoneReached:
    """A milestone of ``stamps`` stamps was reached in cycle ``cycle``."""

    stamps: int
    cycle: int


@dataclass(frozen=True, slots=True)
class GoalReached:
    """The goal was reached, completing cycle ``cycle``."""

    cycle: int


ProgressEvent = MilestoneReached | GoalReached


@dataclass(frozen=True, slots=True)
class Progress:
    """A card's stamps and cycle after an addition, and what it reached, in order."""

    stamps: int
    cycle: int
    events: tuple[ProgressEvent, ...]


@dataclass(frozen=True, slots=True)
class Reversal:
    """A card's stamps and cycle after a removal, and what it undid, newest first."""

    stamps: int
    cycle: int
    removed: int
    shortfall: int
    undone_cycles: tuple[int, ...]
    undone_milestones: tuple[MilestoneReached, ...]


def _check(stamps: int, cycle: int, count: int, goal: int) -> None:
    if goal < 1:
        raise ValueError("goal must be at least 1")
    if cycle < 1:
        raise ValueError("cycle must be at least 1")
    if stamps < 0 or count < 0:
        raise ValueError("stamps and the count to add or remove must not be negative")


def _milestones(milestones: Sequence[int], goal: int) -> list[int]:
    # A program's goal can be lowered after cards exist; milestones at or past it no longer count.
    return sorted({stamps for stamps in milestones if 0 < stamps < goal})


def apply_stamps(
    stamps: int, cycle: int, added: int, goal: int, milestones: Sequence[int]
) -> Progress:
    """Add ``added`` stamps to a card at ``stamps`` in ``cycle`` (cycles count from 1).

    Reaching the goal completes the cycle and starts the next one keeping the excess, as often
    as the addition allows; each milestone fires once, in the cycle where it is crossed. The
    work is one step per reward reached (bound it with ``stamps_within_rewards``), not per stamp.
    """
    _check(stamps, cycle, added, goal)
    marks = _milestones(milestones, goal)
    completed, position = divmod(stamps + added, goal)
    if not completed:
        reached = [MilestoneReached(mark, cycle) for mark in marks if stamps < mark <= position]
        return Progress(stamps=position, cycle=cycle, events=tuple(reached))
    events: list[ProgressEvent] = [MilestoneReached(mark, cycle) for mark in marks if stamps < mark]
    events.append(GoalReached(cycle))
    for whole in range(cycle + 1, cycle + completed):
        events.extend(MilestoneReached(mark, whole) for mark in marks)
        events.append(GoalReached(whole))
    last = cycle + completed
    events.extend(MilestoneReached(mark, last) for mark in marks if mark <= position)
    return Progress(stamps=position, cycle=last, events=tuple(events))


def rewards_reached(stamps: int, added: int, goal: int, milestones: Sequence[int]) -> int:
    """How many goals and milestones adding ``added`` stamps reaches, counted without walking."""
    _check(stamps, 1, added, goal)
    marks = _milestones(milestones, goal)
    completed, position = divmod(stamps + added, goal)
    if not completed:
        return sum(1 for mark in marks if stamps < mark <= position)
    first_cycle = sum(1 for mark in marks if stamps < mark) + 1
    last_cycle = sum(1 for mark in marks if mark <= position)
    return first_cycle + (completed - 1) * (len(marks) + 1) + last_cycle


def stamps_within_rewards(
    stamps: int, added: int, goal: int, milestones: Sequence[int], max_rewards: int
) -> int:
    """The most of ``added`` stamps that reaches at most ``max_rewards`` goals and milestones."""
    if rewards_reached(stamps, added, goal, milestones) <= max_rewards:
        return added
    marks = _milestones(milestones, goal)
    # Stamp totals (from the start of the current cycle) at which each reward is reached.
    this_cycle = [mark for mark in marks if mark > stamps] + [goal]
    every_cycle = [*marks, goal]
    beyond = max_rewards - len(this_cycle)  # rewards before the one too many, in later cycles
    if beyond < 0:
        too_many_at = this_cycle[max_rewards]
    else:
        whole, index = divmod(beyond, len(every_cycle))
        too_many_at = (whole + 1) * goal + every_cycle[index]
    return min(added, max(too_many_at - 1 - stamps, 0))


def reverse_stamps(
    stamps: int, cycle: int, removed: int, goal: int, milestones: Sequence[int] = ()
) -> Reversal:
    """Take ``removed`` stamps back, undoing completed cycles as needed, never below zero.

    What cannot be taken (the card is back at zero stamps in cycle 1) is the ``shortfall``.
    """
    _check(stamps, cycle, removed, goal)
    if removed <= stamps:
        new_cycle, new_stamps, shortfall = cycle, stamps - removed, 0
    else:
        missing = removed - stamps  # to be taken from completed cycles
        undoable = (cycle - 1) * goal
        shortfall = max(missing - undoable, 0)
        missing -= shortfall
        cycles_back = -(-missing // goal)  # ceiling
        new_cycle = cycle - cycles_back
        new_stamps = cycles_back * goal - missing
    undone_cycles = tuple(range(cycle - 1, new_cycle - 1, -1))
    return Reversal(
        stamps=new_stamps,
        cycle=new_cycle,
        removed=removed - shortfall,
        shortfall=shortfall,
        undone_cycles=undone_cycles,
        undone_milestones=_undone_milestones(
            _milestones(milestones, goal), cycle, stamps, new_cycle, new_stamps
        ),
    )


def _undone_milestones(
    marks: list[int], cycle: int, stamps: int, new_cycle: int, new_stamps: int
) -> tuple[MilestoneReached, ...]:
    undone: list[MilestoneReached] = []
    for past_cycle in range(cycle, new_cycle - 1, -1):
        reached_before = stamps if past_cycle == cycle else None  # None: the cycle was completed
        reached_after = new_stamps if past_cycle == new_cycle else 0
        undone.extend(
            MilestoneReached(mark, past_cycle)
            for mark in reversed(marks)
            if reached_after < mark and (reached_before is None or mark <= reached_before)
        )
    return tuple(undone)
